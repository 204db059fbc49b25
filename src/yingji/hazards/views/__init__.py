"""Pages of the hazards app, one module per area: `hazards` (the list, a hazard's page
and its actions, the ranking, the public report form), `campaigns`, `inspections`,
`evidence` (evidence files, through the scope) and `reports` (the triage of public
reports). Views parse input, call selectors and services, and render; scope comes from
`Scope.for_user(request.user)` every time."""
