# Runs COMPILER with ARGS and succeeds (touching STAMP) only if the
# compilation FAILS: used to prove the layout assertions can fire.
execute_process(COMMAND ${COMPILER} ${ARGS}
  RESULT_VARIABLE rc OUTPUT_QUIET ERROR_VARIABLE err)
if(rc EQUAL 0)
  message(FATAL_ERROR "expected a compile failure, but it compiled: ${ARGS}")
endif()
if(NOT err MATCHES "size_of_start_info")
  message(FATAL_ERROR "compile failed for another reason:\n${err}")
endif()
file(TOUCH ${STAMP})
