"""Pages of the UI, one module per area. Views parse input, call one selector or
service, and render; scope comes from `Scope.for_user(request.user)` every time."""
