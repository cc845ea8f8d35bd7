# convoy-plot (tools/convoy-plot): figures from synthetic convoy files; included by tests/tools/CMakeLists.txt.
# Runs with the Python of tests/CMakeLists.txt (numpy, h5py, matplotlib); CONVOY_FLOW names the real convoy-flow,
# which some of the figures are also drawn through.
add_test(NAME convoy_plot_test
         COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/tests/tools/plot_test.py
                 --plot ${PROJECT_SOURCE_DIR}/tools/convoy-plot)
set(_plot_environment "CONVOY_FLOW=$<TARGET_FILE:convoy-flow>")
set_tests_properties(convoy_plot_test PROPERTIES LABELS "tools" TIMEOUT 300 ENVIRONMENT "${_plot_environment}")
# The same figures from an installed convoy-plot (bin/ and share/convoy/python, which must hold the
# packages convoyplot and convoy, and beside convoy the file-format header that convoy/file_format.py reads).
set(_plot_prefix ${CMAKE_CURRENT_BINARY_DIR}/installed)
add_test(NAME convoy_plot_install COMMAND ${CMAKE_COMMAND} --install ${PROJECT_BINARY_DIR} --prefix ${_plot_prefix})
set_tests_properties(convoy_plot_install PROPERTIES LABELS "tools" TIMEOUT 120 FIXTURES_SETUP plot_installed)
add_test(NAME convoy_plot_installed_test
         COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/tests/tools/plot_test.py --plot ${_plot_prefix}/bin/convoy-plot)
set_tests_properties(convoy_plot_installed_test PROPERTIES LABELS "tools" TIMEOUT 300 FIXTURES_REQUIRED plot_installed
                                                           ENVIRONMENT "${_plot_environment}")
