// Placeholder entry point; the sub-commands are wired in src/cli/*.cc.
#include <cstdio>
#include "fraudkit/version.h"
int main() { std::printf("fraudkit %s\n", fraudkit::kVersion); return 0; }
