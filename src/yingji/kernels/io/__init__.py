"""File formats and georeferencing the kernels' inputs come in (no Django).

- :mod:`yingji.kernels.io.dem`: digital elevation models, ESRI ASCII (gzip allowed)
  or single-band GeoTIFF, read with Pillow (no GDAL).
- :mod:`yingji.kernels.io.georef`: lon/lat ⇄ the rows and columns of a regular grid.
- :mod:`yingji.kernels.io.lisflood_par`: LISFLOOD-FP parameter files (.par) and their vocabulary.
"""
