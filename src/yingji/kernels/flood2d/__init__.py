"""2-D flood inundation by the local-inertial scheme (二维淹没模拟).

Bates, Horritt & Fewtrell (2010), doi:10.1016/j.jhydrol.2010.03.027; de Almeida,
Bates, Freer & Souvignet (2012), doi:10.1029/2011WR011570. ``reference`` is the
readable numpy step, ``fast`` the numba one, ``model`` the state and time loop.
"""

from .model import (
                    EdgeBoundary,
                    FloodModel,
                    FloodResult,
                    MassRecord,
                    PointSource,
                    PointStage,
                    TimeSeries,
                    simulate,
)

__all__ = ["EdgeBoundary", "FloodModel", "FloodResult", "MassRecord", "PointSource", "PointStage", "TimeSeries",
           "simulate"]
