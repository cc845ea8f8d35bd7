# The HDF5 output (snapshots, time series, init.from), at 1..4 ranks like every MPI test. The oracle
# is the reference kernel over the whole road; the files are read back with the plain HDF5 C API.
convoy_add_mpi_test(snapshot_mpi SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/snapshot_mpi.cpp LIBRARIES convoy_io TIMEOUT 300)
convoy_add_mpi_test(timeseries_mpi SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/timeseries_mpi.cpp LIBRARIES convoy_io
                    TIMEOUT 300)
