"""The IND's own rules, shared by every service and the simulator: the procedures, the statutory clock
with its periods, working days and penalties, and how planners write a change. IND law, no I/O."""
