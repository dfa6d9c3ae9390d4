// Rendering the status table: widths (display width of UTF-8, ANSI codes skipped), fitting to a
// terminal, truncation.
#include <benchmark/benchmark.h>

#include <string>

#include "ollama_stack/cli/table.hpp"

namespace {

using namespace ollama_stack::cli;

void BM_RenderStatusTable(benchmark::State& state) {
  Table table({{"SERVICE"}, {"STATE"}, {"HEALTH"}, {"URL"}, {"CPU", Align::right}, {"MEMORY", Align::right}, {"UPTIME"}});
  for (int64_t i = 0; i < state.range(0); ++i)
    table.add_row({"service-" + std::to_string(i), "running", "\x1b[32m✓ healthy\x1b[0m",
                   "http://localhost:" + std::to_string(8000 + i), "1.5%", "123.4 MiB", "3h 05m"});
  const TerminalCaps caps{.is_tty = true, .color = true, .unicode = true, .width = 80};
  for (auto _ : state) {
    auto text = table.render(caps);
    benchmark::DoNotOptimize(text);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_RenderStatusTable)->Arg(3)->Arg(30)->ArgName("rows")->Unit(benchmark::kMicrosecond);

}  // namespace
