# One place for the warning flags every fraudkit target builds with; CI builds with -Werror.
option(FRAUDKIT_WERROR "Treat warnings as errors" OFF)
function(fraudkit_enable_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion
    -Wnon-virtual-dtor -Woverloaded-virtual -Wimplicit-fallthrough
    # GCC 12 reports a false -Wrestrict on "literal" + std::string (GCC bug 105651).
    -Wno-restrict
    # Parameter structs have in-class defaults; designated initializers that name only some
    # fields are the intended way to use them, which -Wextra would flag.
    -Wno-missing-field-initializers)
  if(FRAUDKIT_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
