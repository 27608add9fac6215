#pragma once
// Turns a component's parameter table into CLI11 flags (--name-with-dashes), so a parameter is
// declared once (param_table.h) and appears in parsing, validation and --help alike.
#include <string>

#include <CLI/CLI.hpp>

#include "fraudkit/param_table.h"

namespace fraudkit::cli {

inline std::string flag_name(const char* param_name) {
  std::string s = "--";
  for (const char* c = param_name; *c; ++c) s += (*c == '_') ? '-' : *c;
  return s;
}

// Adds one flag per table row bound to `params`; call check_params after parsing.
template <class P>
void add_param_options(CLI::App* app, P& params, std::span<const ParamSpec<P>> table) {
  for (const auto& spec : table) {
    std::visit(
        [&](auto m) {
          using T = std::remove_reference_t<decltype(params.*m)>;
          if constexpr (std::is_same_v<T, bool>) {
            app->add_option(flag_name(spec.name), params.*m, spec.help)
                ->capture_default_str()
                ->type_name("BOOL");
          } else {
            app->add_option(flag_name(spec.name), params.*m, spec.help)->capture_default_str();
          }
        },
        spec.member);
  }
}

}  // namespace fraudkit::cli
