# One static library per folder of src/ (a component: docs/architecture.md, "Layers").
#   tellus_component(NAME
#     SOURCES file.cpp ...            relative to src/NAME/
#     DEPENDS lower_component ...     components whose headers NAME's headers or sources include
#     PUBLIC_LIBRARIES target ...     libraries NAME's public headers expose
#     PRIVATE_LIBRARIES target ...)   libraries only NAME's sources use
# makes the target tellus_NAME. A component's public headers are include/tellus_harness/NAME/;
# its private ones stay in src/ (reachable by the unit tests, which test below the interface).
# scripts/check-layers keeps DEPENDS to lower layers.
function(tellus_component name)
  cmake_parse_arguments(C "" "" "SOURCES;DEPENDS;PUBLIC_LIBRARIES;PRIVATE_LIBRARIES" ${ARGN})
  list(TRANSFORM C_SOURCES PREPEND ${PROJECT_SOURCE_DIR}/src/${name}/)
  add_library(tellus_${name} STATIC ${C_SOURCES})
  target_include_directories(tellus_${name} PUBLIC ${PROJECT_SOURCE_DIR}/include PRIVATE ${PROJECT_SOURCE_DIR}/src)
  list(TRANSFORM C_DEPENDS PREPEND tellus_)
  target_link_libraries(tellus_${name} PUBLIC ${C_DEPENDS} ${C_PUBLIC_LIBRARIES} PRIVATE ${C_PRIVATE_LIBRARIES} tellus_warnings)
  if(TELLUS_FUZZ)  # coverage for the fuzzers; the sanitizers' runtime supplies the hooks elsewhere
    target_compile_options(tellus_${name} PRIVATE -fsanitize=fuzzer-no-link)
  endif()
endfunction()
