"""The credentials app's services, one module each, imported by module (never through this
package): `credentials` (eligibility, enrolment in a version, the name on certificates),
`certificates` (issuing and the PDF), `lifecycle` (the one guarded transition: revoke,
suspend, reinstate, replace, hide), `renewal` (continuing education and renewing) and
`loading` (the frameworks file, each app's part)."""
