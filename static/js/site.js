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

/* Quizzes: save each answer as the learner goes, so a dropped connection or a closed tab
   loses nothing. The server validates every answer; this only collects and sends it. */
(function () {
    "use strict";
    var form = document.querySelector("form[data-autosave-url]");
    if (!form || !window.fetch) { return; }
    var base = form.getAttribute("data-autosave-url");
    var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
    var status = document.querySelector("[data-save-status]");
    var timers = {};

    function collect(section) {
        var type = section.getAttribute("data-type");
        var prefix = "q" + section.getAttribute("data-position");
        var fields = section.querySelectorAll("[name^='" + prefix + "']");
        if (type === "written_response") { return section.querySelector("textarea").value; }
        if (type === "choice_with_justification") {
            var chosen = section.querySelector("input[type=radio]:checked");
            return { choice: chosen ? chosen.value : "", reason: section.querySelector("textarea").value };
        }
        if (type === "multiple_response") {
            return Array.prototype.map.call(section.querySelectorAll("input:checked"), function (i) { return i.value; });
        }
        if (type === "single_choice" || type === "true_false") {
            var picked = section.querySelector("input:checked");
            return picked ? picked.value : null;
        }
        if (type === "matching") {
            var answer = {};
            fields.forEach(function (f) { if (f.value) { answer[f.name.slice(prefix.length + 1)] = f.value; } });
            return answer;
        }
        // Ordering and ranking: only a complete ranking with no repeats can be saved.
        var ranks = [];
        var complete = true;
        fields.forEach(function (f) { if (!f.value) { complete = false; } ranks.push([parseInt(f.value, 10), f.name.slice(prefix.length + 1)]); });
        var used = ranks.map(function (r) { return r[0]; });
        if (!complete || new Set(used).size !== used.length) { return undefined; }
        ranks.sort(function (a, b) { return a[0] - b[0]; });
        return ranks.map(function (r) { return r[1]; });
    }

    function save(section) {
        var answer = collect(section);
        if (answer === undefined) { return; }
        var position = section.getAttribute("data-position");
        if (status) { status.textContent = "Saving…"; }
        fetch(base + position + "/", {
            method: "POST",
            credentials: "same-origin",
            headers: { "Content-Type": "application/json", "X-CSRFToken": token },
            body: JSON.stringify({ answer: answer })
        }).then(function (r) { return r.json().then(function (data) { return [r.ok, data]; }); })
          .then(function (result) {
              if (!status) { return; }
              status.textContent = result[0] ? "All answers saved at " + result[1].saved_at + "." : result[1].error;
          })
          .catch(function () { if (status) { status.textContent = "Not saved: check your connection. Your answers are still on this page."; } });
    }

    form.addEventListener("change", function (event) {
        var section = event.target.closest("[data-position]");
        if (section) { save(section); }
    });
    form.addEventListener("input", function (event) {
        if (event.target.tagName !== "TEXTAREA") { return; }
        var section = event.target.closest("[data-position]");
        var position = section.getAttribute("data-position");
        clearTimeout(timers[position]);
        timers[position] = setTimeout(function () { save(section); }, 1500);
    });
})();
