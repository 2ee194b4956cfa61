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
