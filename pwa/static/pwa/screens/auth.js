// Signing up, in and back in: allauth's headless browser client, screen by screen.

import { auth, pendingFlow } from "../api.js";
import { fail, form, FormError, h, input, link, screen } from "../dom.js";

export function login(app) {
  return screen(
    "Log in",
    form(
      {
        submit: "Log in",
        onsubmit: async (data) => {
          const result = await auth.login(data.get("email"), data.get("password"));
          if (result.status === 200) return app.signedIn();
          const flow = pendingFlow(result);
          if (flow === "mfa_authenticate") return app.navigate("#/mfa");
          if (flow === "verify_email") return app.navigate("#/verify");
          if (result.status === 409) return app.signedIn(); // already signed in
          fail(result);
        },
      },
      input({ name: "email", label: "E-mail address", type: "email", autocomplete: "email", required: true }),
      input({
        name: "password",
        label: "Password",
        type: "password",
        autocomplete: "current-password",
        required: true,
      }),
    ),
    h("p", {}, link("#/signup", "Create an account")),
    h("p", {}, link("#/password-reset", "Forgotten your password?")),
    h("p", {}, link("#/learn", "Read about selective IgM deficiency")),
  );
}

export function signup(app) {
  return screen(
    "Create an account",
    h("p", {}, "Keep an infection diary for yourself or for your child, and share it with your care team."),
    form(
      {
        submit: "Create account",
        onsubmit: async (data) => {
          const result = await auth.signup(data.get("email"), data.get("password"));
          if (result.status === 200) return app.signedIn();
          if (pendingFlow(result) === "verify_email") return app.navigate("#/verify");
          fail(result);
        },
      },
      input({ name: "email", label: "E-mail address", type: "email", autocomplete: "email", required: true }),
      input({
        name: "password",
        label: "Password",
        type: "password",
        autocomplete: "new-password",
        required: true,
        minlength: "10",
        hint: "At least 10 characters. A few unrelated words are easy to remember and hard to guess.",
      }),
    ),
    h("p", {}, "Already have an account? ", link("#/login", "Log in")),
  );
}

export function verify(app, key = "") {
  return screen(
    "Check your e-mail",
    h("p", {}, "We have sent you a code. Type it here to confirm your e-mail address."),
    form(
      {
        submit: "Confirm",
        onsubmit: async (data) => {
          const result = await auth.verifyEmail(data.get("key").trim());
          if (result.status === 200) return app.signedIn();
          if (result.status === 401) return app.navigate("#/login");
          fail(result);
        },
      },
      input({
        name: "key",
        label: "Code from the e-mail",
        autocomplete: "one-time-code",
        required: true,
        value: key,
        autocapitalize: "characters",
      }),
    ),
    h("p", {}, link("#/login", "Back to log in")),
  );
}

export function passwordRequest(app) {
  return screen(
    "Reset your password",
    form(
      {
        submit: "Send me a code",
        onsubmit: async (data) => {
          const result = await auth.requestPasswordReset(data.get("email"));
          if (result.ok || pendingFlow(result) === "password_reset_by_code")
            return app.navigate("#/reset-code");
          fail(result);
        },
      },
      input({ name: "email", label: "E-mail address", type: "email", autocomplete: "email", required: true }),
    ),
    h("p", {}, link("#/login", "Back to log in")),
  );
}

export function passwordReset(app, key = "") {
  return screen(
    "Choose a new password",
    h("p", {}, "If an account uses that address, we have e-mailed it a code."),
    form(
      {
        submit: "Save new password",
        onsubmit: async (data) => {
          const result = await auth.resetPassword(data.get("key").trim(), data.get("password"));
          if (result.status === 200) return app.signedIn();
          if (result.status === 401) {
            app.announce("Your password has been changed. Please log in.");
            return app.navigate("#/login");
          }
          if (result.status === 409)
            throw new FormError("This reset has expired. Please ask for a new code.");
          fail(result);
        },
      },
      input({
        name: "key",
        label: "Code from the e-mail",
        autocomplete: "one-time-code",
        required: true,
        value: key,
      }),
      input({
        name: "password",
        label: "New password",
        type: "password",
        autocomplete: "new-password",
        required: true,
        minlength: "10",
      }),
    ),
    h("p", {}, link("#/password-reset", "Ask for a new code")),
  );
}

export function mfa(app) {
  return screen(
    "Enter your authenticator code",
    h("p", {}, "Open your authenticator app and type the 6-digit code it shows for SIgMD Portal."),
    form(
      {
        submit: "Continue",
        onsubmit: async (data) => {
          const result = await auth.mfaAuthenticate(data.get("code").trim());
          if (result.status === 200) return app.signedIn();
          if (result.status === 409 || result.status === 401) {
            if (pendingFlow(result) !== "mfa_authenticate") return app.navigate("#/login");
          }
          fail(result);
        },
      },
      input({
        name: "code",
        label: "6-digit code",
        inputmode: "numeric",
        autocomplete: "one-time-code",
        required: true,
        pattern: "[0-9]{6}",
      }),
    ),
    h("p", {}, link("#/login", "Back to log in")),
  );
}
