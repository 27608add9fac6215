#include "data/csv_columns.h"

#include <map>

#include "data/csv_number.h"
#include "fraudkit/error.h"

namespace fraudkit::csv {

namespace {

std::string list_names(const std::vector<std::string>& header) {
  constexpr size_t kMaxListed = 30;
  std::string out;
  for (size_t i = 0; i < header.size() && i < kMaxListed; ++i) {
    if (i > 0) out += ", ";
    out += "'" + header[i] + "'";
  }
  if (header.size() > kMaxListed)
    out += ", ... (" + std::to_string(header.size()) + " columns in all)";
  return out;
}

// Assigns `role` to the column called `name`; `what` names the option for messages.
void assign_role(std::vector<ColumnPlan>& plan, const std::map<std::string, size_t>& index,
                 const std::string& name, Role role, const char* what,
                 const std::vector<std::string>& header, const ErrorContext& ctx,
                 uint64_t header_offset) {
  if (name.empty()) return;
  auto it = index.find(name);
  if (it == index.end())
    throw_at(ctx, header_offset, -1,
             std::string("the ") + what + " column '" + name +
                 "' is not in the header; the columns are " + list_names(header));
  ColumnPlan& column = plan[it->second];
  if (column.type_known)
    throw UsageError(std::string("column '") + name + "' cannot be the " + what +
                     " column and also have another role (target, weight, id or dropped)");
  column.role = role;
  column.type_known = true;
}

}  // namespace

std::vector<ColumnPlan> plan_columns(const std::vector<std::string>& header,
                                     const CsvOptions& options, const ErrorContext& ctx,
                                     uint64_t header_offset) {
  std::map<std::string, size_t> index;
  std::vector<ColumnPlan> plan(header.size());
  for (size_t i = 0; i < header.size(); ++i) {
    auto [it, inserted] = index.emplace(header[i], i);
    if (!inserted)
      throw_at(ctx, header_offset, static_cast<long>(i),
               "duplicate column name '" + header[i] + "' (also column #" +
                   std::to_string(it->second + 1) + "); column names must be unique");
    plan[i].name = header[i];
  }
  assign_role(plan, index, options.target, Role::kTarget, "target", header, ctx, header_offset);
  assign_role(plan, index, options.weight_column, Role::kWeight, "weight", header, ctx,
              header_offset);
  assign_role(plan, index, options.id_column, Role::kId, "id", header, ctx, header_offset);
  for (const std::string& name : options.drop_columns) {
    auto it = index.find(name);
    if (it == index.end())
      throw UsageError("cannot drop column '" + name + "': no such column in " + *ctx.source +
                       "; the columns are " + list_names(header));
    ColumnPlan& column = plan[it->second];
    if (column.type_known && column.role != Role::kDrop)
      throw UsageError("column '" + name +
                       "' cannot be dropped: it is the target, weight or id column");
    column.role = Role::kDrop;
    column.type_known = true;
  }
  if (options.declared_types_from_model) {
    std::vector<std::string> missing;
    for (const auto& [name, type] : options.declared_types)
      if (index.find(name) == index.end()) missing.push_back(name);
    if (!missing.empty())
      throw DataError(*ctx.source + ": the model needs column(s) " + list_names(missing) +
                      ", missing from this file; its columns are " + list_names(header));
  }
  for (const auto& [name, type] : options.declared_types) {
    auto it = index.find(name);
    if (it == index.end())
      throw UsageError("a type is declared for column '" + name + "', which is not in " +
                       *ctx.source + "; the columns are " + list_names(header));
    ColumnPlan& column = plan[it->second];
    if (column.role == Role::kWeight && type != ColumnType::kNumeric)
      throw UsageError("the weight column '" + name + "' is numeric; it cannot be declared " +
                       to_string(type));
    // The target, id and dropped columns have fixed handling; a declared type does not matter.
    if (column.type_known) continue;
    column.role = type == ColumnType::kNumeric ? Role::kNumeric : Role::kCategorical;
    column.type_known = true;
  }
  return plan;
}

void infer_types(std::vector<ColumnPlan>& plan, std::string_view text,
                 std::span<const RecordSpan> records) {
  size_t undecided = 0;
  for (const ColumnPlan& c : plan) undecided += c.type_known ? 0 : 1;
  std::string scratch;
  for (const RecordSpan& record : records) {
    if (undecided == 0) break;
    SplitError ignored;  // malformed rows are reported by the main pass, in row order
    for_each_field(text, record, scratch, ignored,
                   [&](size_t i, std::string_view value, uint64_t) {
                     if (i >= plan.size()) return false;
                     ColumnPlan& column = plan[i];
                     if (column.type_known || is_missing_token(value)) return true;
                     double number = 0;
                     const bool numeric = parse_number(value, number) != NumberStatus::kNotANumber;
                     column.role = numeric ? Role::kNumeric : Role::kCategorical;
                     column.type_known = true;
                     --undecided;
                     return true;
                   });
  }
  for (ColumnPlan& c : plan) c.type_known = true;  // never-seen values: numeric, all missing
}

}  // namespace fraudkit::csv
