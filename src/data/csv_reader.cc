// read_csv / parse_csv: the orchestration. The text is held in memory whole; one serial pass
// finds the record boundaries (quote-aware), the column types are settled from the first
// rows, then chunks of records are parsed in parallel straight into the output columns.
// Categorical codes are first chunk-local (so threads never share a dictionary) and are
// remapped to global codes, in order of first appearance, once all chunks are done.
#include <omp.h>

#include <algorithm>
#include <charconv>
#include <limits>

#include "data/csv_columns.h"
#include "data/csv_dictionary.h"
#include "data/csv_errors.h"
#include "data/csv_number.h"
#include "data/csv_source.h"
#include "data/csv_target.h"
#include "data/csv_tokenizer.h"
#include "fraudkit/csv.h"
#include "fraudkit/error.h"

namespace fraudkit {

namespace csv {
namespace {

// Big enough to amortise the per-chunk dictionaries, small enough to balance two or more threads.
constexpr size_t kRecordsPerChunk = 16384;

// Where the values of one CSV column go.
struct Sink {
  Role role = Role::kDrop;
  double* numbers = nullptr;  // numeric feature or weight
  int32_t* codes = nullptr;   // categorical feature or target
  size_t dictionary = 0;      // chunk-local dictionary slot of a categorical/target column
  std::string* ids = nullptr;
};

// The first problem a chunk met; its records are in file order, so it is the chunk's earliest.
struct Issue {
  bool found = false;
  uint64_t offset = 0;
  long column = -1;
  std::string message;
};

// Aligned to a cache line: neighbouring chunks are parsed by different threads at once.
struct alignas(64) Chunk {
  size_t first = 0, last = 0;  // data-record range
  std::vector<Dictionary> dictionaries;
  Issue issue;
};

std::string number_problem(NumberStatus status, std::string_view value, const std::string& name) {
  if (status == NumberStatus::kOutOfRange)
    return "the number " + quoted_value(value) + " is out of the range of a double";
  return "expected a number, got " + quoted_value(value) +
         "; the column is numeric (its first value is a number or it was declared so); if it "
         "holds text, declare it categorical (--categorical " +
         name + ")";
}

void parse_chunk(std::string_view text, std::span<const RecordSpan> records,
                 const std::vector<Sink>& sinks, const std::vector<std::string>& header,
                 Chunk& chunk) {
  const size_t columns = sinks.size();
  std::string scratch;
  for (size_t r = chunk.first; r < chunk.last; ++r) {
    Issue& issue = chunk.issue;
    SplitError split;
    const size_t fields = for_each_field(
        text, records[r], scratch, split, [&](size_t i, std::string_view value, uint64_t at) {
          if (i >= columns) return false;
          const Sink& sink = sinks[i];
          switch (sink.role) {
            case Role::kNumeric:
            case Role::kWeight: {
              double number;
              const NumberStatus status = parse_number(value, number);
              if (status == NumberStatus::kOk) {
                sink.numbers[r] = number;
              } else if (is_missing_token(value)) {
                sink.numbers[r] = std::numeric_limits<double>::quiet_NaN();
              } else {
                issue = {true, at, static_cast<long>(i), number_problem(status, value, header[i])};
                return false;
              }
              break;
            }
            case Role::kCategorical:
            case Role::kTarget:
              sink.codes[r] = is_missing_token(value)
                                  ? kMissingCode
                                  : chunk.dictionaries[sink.dictionary].code_of(value);
              break;
            case Role::kId:
              sink.ids[r].assign(value);
              break;
            case Role::kDrop:
              break;
          }
          return true;
        });
    if (issue.found) return;
    if (split.failed) {
      issue = {true, split.offset, static_cast<long>(split.field),
               "expected ',' or the end of the line after a closing quote; a quote inside a "
               "quoted field must be doubled (\"\")"};
      return;
    }
    if (fields > columns) {
      issue = {true, records[r].begin, -1,
               "too many fields: expected " + std::to_string(columns) +
                   " as in the header, found more (a stray comma, or a field with a comma "
                   "that should be quoted?)"};
      return;
    }
    if (fields < columns) {
      issue = {true, records[r].end(), static_cast<long>(fields),
               "too few fields: expected " + std::to_string(columns) +
                   " as in the header, found " + std::to_string(fields)};
      return;
    }
  }
}

// Global codes for one categorical column: the chunk dictionaries merged in chunk order,
// which is the order of first appearance in the file.
std::vector<std::vector<int32_t>> merge_dictionaries(std::vector<Chunk>& chunks, size_t slot,
                                                     Dictionary& global) {
  std::vector<std::vector<int32_t>> remap(chunks.size());
  for (size_t c = 0; c < chunks.size(); ++c)
    for (const std::string& t : chunks[c].dictionaries[slot].texts())
      remap[c].push_back(global.code_of(t));
  return remap;
}

bool is_identity(const std::vector<int32_t>& remap) {
  for (size_t i = 0; i < remap.size(); ++i)
    if (remap[i] != static_cast<int32_t>(i)) return false;
  return true;
}

std::vector<std::string> read_header(std::string_view text, const RecordSpan& record,
                                     const ErrorContext& ctx) {
  std::vector<std::string> names;
  std::string scratch;
  SplitError split;
  for_each_field(text, record, scratch, split, [&](size_t, std::string_view value, uint64_t) {
    names.emplace_back(value);
    return true;
  });
  if (split.failed)
    throw_at(ctx, split.offset, static_cast<long>(split.field),
             "expected ',' or the end of the header after a closing quote");
  return names;
}

void check_weights(const std::vector<double>& weights, const ErrorContext& ctx,
                   std::span<const RecordSpan> records, long column) {
  for (size_t r = 0; r < weights.size(); ++r) {
    const double w = weights[r];
    if (w >= 0) continue;  // false for NaN too
    if (std::isnan(w))
      throw_at(ctx, records[r].begin, column,
               "the sample weight is missing; expected a finite number >= 0 on every row");
    char buf[32];
    const auto end = std::to_chars(buf, buf + sizeof buf, w).ptr;
    throw_at(ctx, records[r].begin, column,
             "expected a sample weight >= 0, got " + std::string(buf, end));
  }
}

// The outputs, sized up front so that chunks write their rows in place, and where each CSV
// column's values go.
struct Outputs {
  CsvData result;
  std::vector<int32_t> target_codes;
  std::vector<Sink> sinks;  // one per CSV column
  size_t dictionaries = 0;  // categorical columns + the target
  long target_column = -1, weight_column = -1;
};

Outputs allocate_outputs(const std::vector<ColumnPlan>& plan, size_t rows) {
  Outputs o;
  Dataset& data = o.result.data;
  o.sinks.resize(plan.size());
  size_t features = 0;
  for (const ColumnPlan& p : plan)
    features += (p.role == Role::kNumeric || p.role == Role::kCategorical) ? 1 : 0;
  data.columns.reserve(features);  // sinks point into these vectors: no reallocation after
  for (size_t i = 0; i < plan.size(); ++i) {
    Sink& sink = o.sinks[i];
    sink.role = plan[i].role;
    switch (plan[i].role) {
      case Role::kNumeric:
      case Role::kCategorical: {
        Column& column = data.columns.emplace_back();
        column.schema.name = plan[i].name;
        if (plan[i].role == Role::kNumeric) {
          column.schema.type = ColumnType::kNumeric;
          column.values.resize(rows);
          sink.numbers = column.values.data();
        } else {
          column.schema.type = ColumnType::kCategorical;
          column.codes.resize(rows);
          sink.codes = column.codes.data();
          sink.dictionary = o.dictionaries++;
        }
        break;
      }
      case Role::kTarget:
        o.target_codes.resize(rows);
        sink.codes = o.target_codes.data();
        sink.dictionary = o.dictionaries++;
        o.target_column = static_cast<long>(i);
        break;
      case Role::kWeight:
        data.weights.resize(rows);
        sink.numbers = data.weights.data();
        o.weight_column = static_cast<long>(i);
        break;
      case Role::kId:
        o.result.ids.resize(rows);
        sink.ids = o.result.ids.data();
        break;
      case Role::kDrop:
        break;
    }
  }
  return o;
}

// Parses every record in parallel chunks; throws the first problem in file order.
std::vector<Chunk> parse_chunks(std::string_view text, std::span<const RecordSpan> records,
                                const Outputs& o, const ErrorContext& ctx) {
  const size_t rows = records.size();
  std::vector<Chunk> chunks((rows + kRecordsPerChunk - 1) / kRecordsPerChunk);
  for (size_t c = 0; c < chunks.size(); ++c) {
    chunks[c].first = c * kRecordsPerChunk;
    chunks[c].last = std::min(rows, (c + 1) * kRecordsPerChunk);
    chunks[c].dictionaries.resize(o.dictionaries);
  }
  const auto chunk_count = static_cast<long>(chunks.size());
  // Small inputs (one chunk) skip the parallel region: waking threads costs more than parsing.
#pragma omp parallel for schedule(dynamic, 1) if (chunk_count > 1)
  for (long c = 0; c < chunk_count; ++c)
    parse_chunk(text, records, o.sinks, *ctx.header, chunks[static_cast<size_t>(c)]);
  for (const Chunk& chunk : chunks)
    if (chunk.issue.found)
      throw_at(ctx, chunk.issue.offset, chunk.issue.column, chunk.issue.message);
  return chunks;
}

// Chunk-local categorical codes -> global codes; returns each slot's global dictionary.
std::vector<Dictionary> globalise_codes(std::vector<Chunk>& chunks, const Outputs& o) {
  std::vector<Dictionary> globals(o.dictionaries);
  std::vector<std::vector<std::vector<int32_t>>> remaps(o.dictionaries);  // [slot][chunk]
  for (size_t s = 0; s < o.dictionaries; ++s) remaps[s] = merge_dictionaries(chunks, s, globals[s]);
  const auto chunk_count = static_cast<long>(chunks.size());
#pragma omp parallel for schedule(dynamic, 1) if (chunk_count > 1)
  for (long c = 0; c < chunk_count; ++c) {
    const Chunk& chunk = chunks[static_cast<size_t>(c)];
    for (const Sink& sink : o.sinks) {
      if (sink.codes == nullptr) continue;
      const std::vector<int32_t>& remap = remaps[sink.dictionary][static_cast<size_t>(c)];
      if (is_identity(remap)) continue;
      for (size_t r = chunk.first; r < chunk.last; ++r)
        if (sink.codes[r] != kMissingCode)
          sink.codes[r] = remap[static_cast<size_t>(sink.codes[r])];
    }
  }
  return globals;
}

// Record boundaries and the header; throws for an unterminated quote, an empty file, or a
// header with no data rows.
RecordScan scan_records(std::string_view text, ErrorContext& ctx,
                        std::vector<std::string>& header) {
  const size_t start = text.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;  // UTF-8 byte order mark
  RecordScan scan = find_records(text, start);
  if (!scan.records.empty()) header = read_header(text, scan.records[0], ctx);
  ctx.header = &header;
  if (scan.record_too_long)
    throw_at(ctx, scan.too_long_at, -1, "a record of 4 GiB or more; is this a CSV file?");
  if (scan.unterminated_quote)
    throw_at(ctx, scan.unterminated_at, static_cast<long>(scan.unterminated_field),
             "unterminated quoted field: the opening '\"' has no closing quote before the end "
             "of the file");
  if (scan.records.empty())
    throw_in_file(*ctx.source, "the file is empty; expected a header row naming the columns");
  if (scan.records.size() == 1)
    throw_in_file(*ctx.source, "the file has a header (line " +
                                   std::to_string(line_of(text, scan.records[0].begin)) +
                                   ") but no data rows");
  return scan;
}

CsvData parse_text(std::string_view text, const CsvOptions& options, const std::string& source) {
  ErrorContext ctx{text, &source, nullptr};
  std::vector<std::string> header;
  const RecordScan scan = scan_records(text, ctx, header);
  std::vector<ColumnPlan> plan = plan_columns(header, options, ctx, scan.records[0].begin);
  const std::span<const RecordSpan> records = std::span(scan.records).subspan(1);
  infer_types(plan, text, records);

  Outputs o = allocate_outputs(plan, records.size());
  std::vector<Chunk> chunks = parse_chunks(text, records, o, ctx);
  const std::vector<Dictionary> globals = globalise_codes(chunks, o);
  Dataset& data = o.result.data;
  for (size_t i = 0, f = 0; i < plan.size(); ++i) {
    if (plan[i].role == Role::kNumeric) ++f;
    if (plan[i].role != Role::kCategorical) continue;
    data.columns[f++].schema.categories = globals[o.sinks[i].dictionary].texts();
  }
  if (o.target_column >= 0) {
    const size_t slot = o.sinks[static_cast<size_t>(o.target_column)].dictionary;
    TargetLabels labels = resolve_target(o.target_codes, globals[slot].texts(), options, ctx,
                                         records, o.target_column);
    data.target = std::move(labels.target);
    data.positive_label = std::move(labels.positive_label);
    data.negative_label = std::move(labels.negative_label);
    data.target_name = options.target;
  }
  if (o.weight_column >= 0) check_weights(data.weights, ctx, records, o.weight_column);
  data.source = source;
  return std::move(o.result);
}

}  // namespace
}  // namespace csv

CsvData parse_csv(std::string_view text, const CsvOptions& options,
                  const std::string& source_name) {
  return csv::parse_text(text, options, source_name);
}

CsvData read_csv(const std::string& path, const CsvOptions& options) {
  const csv::LoadedText text = csv::load_text(path);
  return csv::parse_text(text.view(), options, path);
}

}  // namespace fraudkit
