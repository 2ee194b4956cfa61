/* Peerpath site behaviour. No inline scripts: this file is the only script on learner pages. */
(function () {
    "use strict";

    // Quick exit: leave at once for a neutral site and replace this history entry, so the
    // back button does not return here. Works from the button and from Escape pressed twice.
    function quickExit(event) {
        if (event) { event.preventDefault(); }
        var url = document.body.getAttribute("data-quick-exit-url") || "https://www.bbc.co.uk/weather";
        try { document.title = ""; document.body.hidden = true; } catch (e) { /* keep going */ }
        window.location.replace(url);
    }

    var lastEscape = 0;
    document.addEventListener("keydown", function (event) {
        if (event.key !== "Escape") { return; }
        var now = Date.now();
        if (now - lastEscape < 1500) { quickExit(event); }
        lastEscape = now;
    });

    document.addEventListener("click", function (event) {
        var link = event.target.closest("[data-quick-exit]");
        if (link) { quickExit(event); }
    });

    // Move focus to the error summary after a failed form submission.
    document.addEventListener("DOMContentLoaded", function () {
        var summary = document.querySelector(".error-summary[tabindex]");
        if (summary) { summary.focus(); }
    });
})();

/* Lessons: remember the block the learner has reached, so "continue where you left off" and
   "take a break" return to the same place. Sends only a block id; never any text. */
(function () {
    "use strict";
    var lesson = document.querySelector("[data-position-url]");
    if (!lesson || !lesson.getAttribute("data-position-url") || !("IntersectionObserver" in window)) { return; }
    var url = lesson.getAttribute("data-position-url");
    var tokenField = document.querySelector("input[name=csrfmiddlewaretoken]");
    var positionFields = document.querySelectorAll("[data-position-field]");
    var current = positionFields.length ? positionFields[0].value : "";
    var timer = null;

    function send(position) {
        if (!tokenField) { return; }
        var body = new FormData();
        body.append("position", position);
        body.append("csrfmiddlewaretoken", tokenField.value);
        fetch(url, { method: "POST", body: body, credentials: "same-origin", keepalive: true }).catch(function () { /* try again on the next scroll */ });
    }

    var observer = new IntersectionObserver(function (entries) {
        entries.forEach(function (entry) {
            if (!entry.isIntersecting) { return; }
            var id = entry.target.getAttribute("data-block-id");
            if (!id || id === current) { return; }
            current = id;
            positionFields.forEach(function (field) { field.value = id; });
            clearTimeout(timer);
            timer = setTimeout(function () { send(id); }, 800);
        });
    }, { rootMargin: "0px 0px -60% 0px" });
    lesson.querySelectorAll("[data-block-id]").forEach(function (block) { observer.observe(block); });
})();
