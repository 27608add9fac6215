# Sourced by the benchmark scripts (sh): where each named data set lives and its label column.
# Needs $shared (../shared) and $tmp (a scratch directory the caller removes). tx_1m is
# generated once per run: make_transactions.py --rows 1000000 --fraud-rate 0.02 --seed 42
# --one-hot (10 numeric columns, label is_fraud); the other names are ../shared/datasets/*.csv.
path_of() {
  case $1 in
    tx_1m)
      [ -f "$tmp/tx_1m.csv" ] || /usr/bin/python3 "$shared/anchors/make_transactions.py" --rows 1000000 \
        --fraud-rate 0.02 --seed 42 --one-hot --out "$tmp/tx_1m.csv" >/dev/null
      echo "$tmp/tx_1m.csv" ;;
    *) echo "$shared/datasets/$1.csv" ;;
  esac
}
target_of() { case $1 in tx_1m) echo is_fraud ;; *) echo label ;; esac; }
