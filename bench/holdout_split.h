#pragma once
// A CSV split as the tests and oracles split it: rows whose index r has r % 10 < 7 train, the
// others test. Shared by the model benchmark drivers.
#include <cstdint>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "fraudkit/csv.h"

namespace fraudkit::bench {

struct HoldoutSplit {
  Eigen::MatrixXd train_X, test_X;
  std::vector<uint8_t> train_y, test_y;
};

inline HoldoutSplit holdout_split(const std::string& path, const std::string& target) {
  CsvOptions options;
  options.target = target;
  const Dataset d = read_csv(path, options).data;
  std::vector<size_t> train, test;
  for (size_t r = 0; r < d.rows(); ++r) (r % 10 < 7 ? train : test).push_back(r);
  HoldoutSplit s;
  const auto fill = [&](const std::vector<size_t>& rows, Eigen::MatrixXd& X, std::vector<uint8_t>& y) {
    X.resize(static_cast<Eigen::Index>(rows.size()), static_cast<Eigen::Index>(d.num_features()));
    for (size_t c = 0; c < d.num_features(); ++c)
      for (size_t i = 0; i < rows.size(); ++i)
        X(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(c)) = d.columns[c].values[rows[i]];
    for (const size_t r : rows) y.push_back(d.target[r]);
  };
  fill(train, s.train_X, s.train_y);
  fill(test, s.test_X, s.test_y);
  return s;
}

}  // namespace fraudkit::bench
