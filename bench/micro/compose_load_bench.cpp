// Loading the stack's compose files: decode, parse, interpolate, merge, validate, convert — what
// every stack verb does before its first engine call.
#include <benchmark/benchmark.h>

#include <string>

#include "ollama_stack/compose/embedded.hpp"
#include "ollama_stack/compose/load.hpp"

namespace {

using namespace ollama_stack;

compose::LoadOptions stack_files(bool with_nvidia) {
  compose::LoadOptions options;
  options.sources.push_back({"embedded:docker-compose.yml", std::string(*compose::embedded_compose_file("docker-compose.yml"))});
  if (with_nvidia)
    options.sources.push_back(
        {"embedded:docker-compose.nvidia.yml", std::string(*compose::embedded_compose_file("docker-compose.nvidia.yml"))});
  options.working_dir = "/tmp/ollama-stack-bench";
  options.lookup = [](std::string_view name) -> std::optional<std::string> {
    if (name == "WEBUI_SECRET_KEY") return std::string("bench-secret");
    if (name == "OLLAMA_STACK_HOME") return std::string("/tmp/ollama-stack-bench");
    return std::nullopt;
  };
  return options;
}

void BM_LoadStackCompose(benchmark::State& state) {
  const auto options = stack_files(state.range(0) != 0);
  for (auto _ : state) {
    auto result = compose::load_project(options);
    benchmark::DoNotOptimize(result);
  }
}
BENCHMARK(BM_LoadStackCompose)->Arg(0)->Arg(1)->ArgName("with_nvidia_override")->Unit(benchmark::kMicrosecond);

}  // namespace
