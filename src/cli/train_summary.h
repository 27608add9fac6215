#pragma once
// The human-readable summary printed after training (train and demo share it).
#include <iosfwd>

#include <nlohmann/json.hpp>

namespace fraudkit::cli {

// Data and split sizes, the fit, the threshold decision, then validation vs test metrics.
void print_train_summary(std::ostream& out, const nlohmann::json& report);
// The candidates of `train --models`, in rank order, the shipped one marked.
void print_selection_table(std::ostream& out, const nlohmann::json& selection);

}  // namespace fraudkit::cli
