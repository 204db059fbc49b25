"""Pure numerical kernels (纯数值内核): no Django import anywhere in this package.

Each module is a set of functions over numpy arrays that a notebook, a management
command or a Celery task can call alike; Django code loads the inputs, calls a kernel
and stores the result.

- :mod:`yingji.kernels.geodesy`: great-circle and WGS84 geodesic distances.
- :mod:`yingji.kernels.besttrack`: the CMA tropical-cyclone best-track parser.
- :mod:`yingji.kernels.typhoon`: wind speed to grade and force, circle entry, payouts.
- :mod:`yingji.kernels.rolling`: rolling-window rainfall totals and rain events.
- :mod:`yingji.kernels.io`: file formats (DEMs: ESRI ASCII, GeoTIFF) and grid georeferencing.
"""
