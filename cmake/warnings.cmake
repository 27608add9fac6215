# One place for the warning flags every fraudkit target builds with; CI builds with -Werror.
option(FRAUDKIT_WERROR "Treat warnings as errors" OFF)
function(fraudkit_enable_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion
    -Wnon-virtual-dtor -Woverloaded-virtual -Wimplicit-fallthrough
    # GCC 12 reports a false -Wrestrict on "literal" + std::string (GCC bug 105651).
    -Wno-restrict)
  if(FRAUDKIT_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
