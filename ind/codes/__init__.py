"""The IND's code lists: what a caseworker may say on the bus instead of free text (grounds, resolutions,
courts, desks, subjects of an information request), each a versioned catalogue of codes with a Dutch
and an English label. IND data, no I/O."""
