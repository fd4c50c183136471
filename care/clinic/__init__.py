"""The clinicians' pages under /clinic/: server-rendered, readable without JavaScript.

One module per concern: `access` (who may open a page), `signin` (password, code, setup,
sign-out), `alerts` (triage and acting on an alert), `patients` (list and chart page), `teams`
(invitations, members, thresholds), `selectors` (the clinic's reads), `actions` (its writes).
Who may see what is decided where the API decides it: alerts through `alerts_visible_to`,
profiles through `profiles_visible_to`, teams through membership. Anything else is a 404.
"""
