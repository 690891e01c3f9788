"""Pages that combine apps: the start page, the department dashboard and board, a measure's chart card, the
hospital status, the department workspace, an initiative's page, selecting a recommendation and the cross-hospital
recommendation. Reads come from `goals` (the one status) and the lower apps; this app holds no rules of its own."""
