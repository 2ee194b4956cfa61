/* Passkeys (WebAuthn): registration on the two-factor page, sign-in on the code step.
   A button with data-passkey="register" or "sign-in" and data-options / data-finish URLs.
   The server's options are JSON with base64url strings; the browser wants ArrayBuffers. */
(function () {
  "use strict";

  function toBuffer(value) {
    var base64 = value.replace(/-/g, "+").replace(/_/g, "/");
    base64 += "===".slice((base64.length + 3) % 4);
    var binary = atob(base64);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes.buffer;
  }

  function toBase64url(buffer) {
    var bytes = new Uint8Array(buffer);
    var binary = "";
    for (var i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function csrfToken() {
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "Content-Type": "application/json" },
      body: body || "{}",
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) throw new Error(data.error || "The passkey did not work.");
        return data;
      });
    });
  }

  function credentialJSON(credential) {
    var response = credential.response;
    var out = {
      id: credential.id,
      rawId: toBase64url(credential.rawId),
      type: credential.type,
      clientExtensionResults: credential.getClientExtensionResults(),
      response: { clientDataJSON: toBase64url(response.clientDataJSON) },
    };
    if (response.attestationObject) {
      out.response.attestationObject = toBase64url(response.attestationObject);
      if (response.getTransports) out.response.transports = response.getTransports();
    } else {
      out.response.authenticatorData = toBase64url(response.authenticatorData);
      out.response.signature = toBase64url(response.signature);
      if (response.userHandle) out.response.userHandle = toBase64url(response.userHandle);
    }
    if (credential.authenticatorAttachment) out.authenticatorAttachment = credential.authenticatorAttachment;
    return JSON.stringify(out);
  }

  function run(button) {
    var status = document.getElementById(button.getAttribute("aria-describedby"));
    var kind = button.dataset.passkey;
    function say(text) { if (status) status.textContent = text; }
    if (!window.PublicKeyCredential) {
      say(button.dataset.unsupported);
      return;
    }
    button.disabled = true;
    say(button.dataset.working);
    post(button.dataset.options)
      .then(function (options) {
        if (options.challenge) options.challenge = toBuffer(options.challenge);
        if (kind === "register") {
          options.user.id = toBuffer(options.user.id);
          (options.excludeCredentials || []).forEach(function (c) { c.id = toBuffer(c.id); });
          return navigator.credentials.create({ publicKey: options });
        }
        (options.allowCredentials || []).forEach(function (c) { c.id = toBuffer(c.id); });
        return navigator.credentials.get({ publicKey: options });
      })
      .then(function (credential) { return post(button.dataset.finish, credentialJSON(credential)); })
      .then(function (data) { window.location.assign(data.redirect); })
      .catch(function (error) {
        button.disabled = false;
        say(error && error.name === "NotAllowedError" ? button.dataset.cancelled : error.message);
      });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-passkey]");
    if (button) {
      event.preventDefault();
      run(button);
    }
  });
})();
