"""The live extension: explain a NameError in a running kernel, the moment it happens.

``extension`` is the IPython front end (the only module here that imports IPython's
shell machinery); ``session`` records what ran, ``locate`` finds the notebook,
``history_db`` reads earlier sessions, ``overlay`` lays the session over the notebook,
``relevant`` cuts it to the cells that can matter for one name, ``explain`` and
``report`` ask the CLI's engine, ``render`` writes text and HTML.
"""
