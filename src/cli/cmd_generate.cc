// fraudkit generate transactions|classification --out F.csv [parameters]
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/param_options.h"
#include "fraudkit/csv.h"
#include "fraudkit/generate.h"

namespace fraudkit::cli {

namespace {
struct GenerateFlags {
  std::string out;
  TransactionParams transactions;
  ClassificationParams classification;
};
}  // namespace

CommandRunner register_generate(CLI::App& root) {
  auto flags = std::make_shared<GenerateFlags>();
  CLI::App* cmd = root.add_subcommand("generate", "write a synthetic labelled dataset as CSV");
  cmd->require_subcommand(1);

  CLI::App* tx = cmd->add_subcommand(
      "transactions", "card transactions (amount, hour, merchant, distance, ...; target is_fraud), "
                      "the reference simulator's distributions");
  tx->add_option("--out", flags->out, "output CSV path (.csv)")->required();
  add_param_options(tx, flags->transactions, transaction_param_table());

  CLI::App* cls = cmd->add_subcommand(
      "classification", "scikit-learn make_classification data (x0..x{d-1}; target label)");
  cls->add_option("--out", flags->out, "output CSV path (.csv)")->required();
  add_param_options(cls, flags->classification, classification_param_table());

  return [flags, tx] {
    Dataset data;
    if (tx->parsed()) {
      check_params(flags->transactions, transaction_param_table(), "generate transactions");
      data = make_transactions(flags->transactions);
    } else {
      check_params(flags->classification, classification_param_table(), "generate classification");
      data = make_classification(flags->classification);
    }
    write_csv(data, flags->out);
    std::cout << "wrote " << data.rows() << " rows (" << data.count_positives() << " positive) to "
              << flags->out << "\n";
    return 0;
  };
}

}  // namespace fraudkit::cli
