#pragma once
// Model selection: several candidate set-ups (model, class weight, sampler, parameters) are
// trained on the same training part, each tunes its threshold on the same validation part,
// and they are ranked by validation average precision (ties: F-beta at each one's tuned
// threshold). The winner ships; every candidate's test metrics are reported once, labelled
// as not used for the choice. This is `fraudkit train --models logreg,gbdt,rf,...`.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fraudkit/training.h"

namespace fraudkit {

struct Candidate {
  std::string label;     // as listed, e.g. "gbdt" or "logreg_balanced"
  TrainOptions options;  // the shared options with this candidate's model, weights, sampler
};

// The short names fraudkit knows, each with what it stands for, for --help:
// logreg, logreg_balanced, gbdt, rf, rf_balanced, iforest, smote_logreg; any registered model
// name (classifier.h) also works as itself.
std::vector<std::pair<std::string, std::string>> candidate_aliases();

// "logreg,gbdt,rf" -> candidates built on `base` (split, policy, preprocessing; class weight
// and sampler for candidates whose name sets none, e.g. --sampler smote applies to gbdt but
// logreg_balanced keeps its balanced weights and smote_logreg its SMOTE). `params` holds "LABEL.NAME": value entries (from
// --param gbdt.rounds=300); a name with no or an unknown label is a UsageError, as are
// unknown, duplicate or empty candidate names. Parameters are checked here, before any data
// is read.
std::vector<Candidate> parse_candidates(const std::string& list, const TrainOptions& base,
                                        const nlohmann::json& params);

// Trains every candidate on one stratified split and returns the winner's outcome; its report
// gains a "selection" block: ranked_by, winner, and per candidate (in rank order) the
// validation and test metrics, threshold, fit seconds and scoring microseconds per row.
TrainOutcome select_model(const Dataset& data, const std::vector<Candidate>& candidates, const RunContext& ctx);

}  // namespace fraudkit
