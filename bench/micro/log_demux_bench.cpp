// The log stream demultiplexer and line assembler: throughput on 8-byte-framed output of a
// chatty service, fed in the chunk sizes libcurl hands over.
#include <benchmark/benchmark.h>

#include <string>

#include "ollama_stack/engine/log_stream.hpp"

namespace {

using namespace ollama_stack::engine;

// ~4 MiB of frames, one log line each, alternating stdout/stderr.
std::string framed_log() {
  std::string stream;
  const std::string line = "2026-11-22T06:00:00.000000000Z level=INFO source=server.go:123 msg=\"request served\" status=200\n";
  for (int i = 0; stream.size() < (4u << 20); ++i) {
    const auto size = static_cast<uint32_t>(line.size());
    stream.push_back(static_cast<char>(i % 2 == 0 ? 1 : 2));
    stream.append(3, '\0');
    for (int shift = 24; shift >= 0; shift -= 8) stream.push_back(static_cast<char>((size >> shift) & 0xff));
    stream += line;
  }
  return stream;
}

void BM_DemuxLines(benchmark::State& state) {
  const std::string stream = framed_log();
  const auto chunk = static_cast<size_t>(state.range(0));
  size_t lines = 0;
  for (auto _ : state) {
    LogDemuxer demuxer(false);
    LineAssembler assembler;
    const LineAssembler::LineHandler on_line = [&](LogStream, std::string_view text) { lines += !text.empty(); };
    for (size_t offset = 0; offset < stream.size(); offset += chunk)
      demuxer.feed(std::string_view(stream).substr(offset, chunk),
                   [&](LogStream which, std::string_view payload) { assembler.feed(which, payload, on_line); });
    assembler.flush(on_line);
  }
  benchmark::DoNotOptimize(lines);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(stream.size()));
}
BENCHMARK(BM_DemuxLines)->Arg(1 << 10)->Arg(16 << 10)->ArgName("chunk_bytes")->Unit(benchmark::kMillisecond);

}  // namespace
