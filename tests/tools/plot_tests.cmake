# convoy-plot (tools/convoy-plot): figures from synthetic convoy files; included by tests/tools/CMakeLists.txt.
# Runs with the Python of tests/CMakeLists.txt (numpy, h5py, matplotlib). Set CONVOY_FLOW in the environment to
# also plot through the real convoy-flow.
add_test(NAME convoy_plot_test
         COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/tests/tools/plot_test.py
                 --plot ${PROJECT_SOURCE_DIR}/tools/convoy-plot)
set_tests_properties(convoy_plot_test PROPERTIES LABELS "tools" TIMEOUT 300)
