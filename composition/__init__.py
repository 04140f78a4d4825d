"""The composition root: the one place that knows every service. It builds the whole system for a mode
and a clock (``system.py``), and runs it as the ``backbone`` command (``cli/``), the HTTP app
(``http_app.py``), the long-running loops (``cli/run_cmd.py``) and the simulator's services
(``simulated.py``)."""
