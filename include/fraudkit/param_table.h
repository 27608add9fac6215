#pragma once
// Parameter tables. Each component (model, policy, generator, ...) has one parameter struct with
// in-class defaults and one table of `ParamSpec` rows (name, member, bounds, help). The table
// alone drives JSON saving/loading, range checks, CLI flags and --help text, so a parameter is
// declared exactly once.
#include <cmath>
#include <limits>
#include <span>
#include <sstream>
#include <string>
#include <type_traits>
#include <variant>

#include <nlohmann/json.hpp>

#include "fraudkit/error.h"

// std::visit instantiates every member-pointer alternative; GCC 12's middle end then checks the
// `double P::*` branch against small structs (e.g. two bools) and reports a false
// -Warray-bounds / -Wstringop-overflow / -Wmaybe-uninitialized on the member accesses below. The variant index guarantees
// the right branch at run time.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Warray-bounds"
#pragma GCC diagnostic ignored "-Wstringop-overflow"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

namespace fraudkit {

template <class P>
struct ParamSpec {
  using Member = std::variant<double P::*, int P::*, bool P::*, std::string P::*>;
  const char* name;
  Member member;
  double min = -std::numeric_limits<double>::infinity();  // inclusive bounds, numeric members
  double max = std::numeric_limits<double>::infinity();
  const char* help = "";
};

namespace param_detail {

inline std::string bounds_text(double lo, double hi) {
  std::ostringstream s;
  s << "[" << lo << ", " << hi << "]";
  return s.str();
}

template <class P>
void check_one(const P& p, const ParamSpec<P>& spec, const std::string& component) {
  double v = 0;
  if (auto m = std::get_if<double P::*>(&spec.member)) v = p.*(*m);
  else if (auto mi = std::get_if<int P::*>(&spec.member)) v = p.*(*mi);
  else return;
  if (!(v >= spec.min && v <= spec.max))  // also rejects NaN
    throw UsageError(component + ": parameter '" + spec.name + "' = " + std::to_string(v) +
                     " is out of range; expected a value in " + bounds_text(spec.min, spec.max));
}

}  // namespace param_detail

// Throws UsageError naming the first parameter outside its bounds.
template <class P>
void check_params(const P& p, std::span<const ParamSpec<P>> table, const std::string& component) {
  for (const auto& spec : table) param_detail::check_one(p, spec, component);
}

template <class P>
nlohmann::json params_to_json(const P& p, std::span<const ParamSpec<P>> table) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& spec : table)
    std::visit([&](auto m) { j[spec.name] = p.*m; }, spec.member);
  return j;
}

// Reads the parameters present in `j` over the defaults of P; unknown names are an error that
// lists the known ones; every value is range-checked.
template <class P>
P params_from_json(const nlohmann::json& j, std::span<const ParamSpec<P>> table,
                   const std::string& component) {
  P p{};
  if (!j.is_object()) throw UsageError(component + ": parameters must be a JSON object");
  for (auto it = j.begin(); it != j.end(); ++it) {
    const ParamSpec<P>* spec = nullptr;
    for (const auto& s : table)
      if (it.key() == s.name) spec = &s;
    if (!spec) {
      std::string known;
      for (const auto& s : table) known += std::string(known.empty() ? "" : ", ") + s.name;
      throw UsageError(component + ": unknown parameter '" + it.key() + "'; known: " + known);
    }
    try {
      std::visit(
          [&](auto m) {
            using T = std::remove_reference_t<decltype(p.*m)>;
            p.*m = it.value().template get<T>();
          },
          spec->member);
    } catch (const nlohmann::json::exception&) {
      throw UsageError(component + ": parameter '" + it.key() + "' has the wrong type: " +
                       it.value().dump());
    }
  }
  check_params(p, table, component);
  return p;
}

// Sets one parameter from text (as typed on a command line); range-checked.
template <class P>
void set_param_from_text(P& p, std::span<const ParamSpec<P>> table, const std::string& name,
                         const std::string& text, const std::string& component) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& spec : table) {
    if (name != spec.name) continue;
    if (std::holds_alternative<std::string P::*>(spec.member)) {
      j[name] = text;
    } else {
      try {
        j[name] = nlohmann::json::parse(text);
      } catch (const nlohmann::json::exception&) {
        throw UsageError(component + ": parameter '" + name + "' expects a number or true/false, got '" +
                         text + "'");
      }
    }
  }
  nlohmann::json current = params_to_json(p, table);
  if (j.empty()) j[name] = text;  // unknown: let params_from_json produce the message
  current.update(j);
  p = params_from_json<P>(current, table, component);
}

// "name  help (default D, range [lo, hi])" lines for --help.
template <class P>
std::string params_help(std::span<const ParamSpec<P>> table) {
  const P defaults{};
  std::ostringstream s;
  for (const auto& spec : table) {
    s << "  " << spec.name << "  " << spec.help << " (default ";
    std::visit([&](auto m) { s << nlohmann::json(defaults.*m).dump(); }, spec.member);
    if (std::isfinite(spec.min) || std::isfinite(spec.max))
      s << ", range " << param_detail::bounds_text(spec.min, spec.max);
    s << ")\n";
  }
  return s.str();
}

}  // namespace fraudkit

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
