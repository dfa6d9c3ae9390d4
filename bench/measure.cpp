// bench_measure: times whole commands as processes, repeated, and prints medians and min–max of
// wall time and peak RSS; with a second command, runs the two alternately and takes the ratio
// pair by pair (so a machine that slows down mid-run slows both sides of each pair).
//
//   bench_measure --name NAME --cmd CMD [--prepare CMD]
//                 [--vs-name NAME --vs-cmd CMD [--vs-prepare CMD]] [--runs N] [--warmup N]
//
// Commands run through `/bin/sh -c`; write `exec prog args` for a single program so the shell
// is replaced by it (its peak RSS then is the program's). Peak RSS comes from wait4()'s rusage,
// which covers the process and every descendant it waited for. A prepare command runs before
// each run of its case and is not timed. A command that fails stops the benchmark (exit 1).
// Output: a human line per case (and per ratio), and machine lines "RESULT\t<name>\tkey=value\t...".
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fmt/format.h>
#include <optional>
#include <string>
#include <vector>

namespace {

struct Sample {
  double wall_ms = 0;
  double rss_kib = 0;
};

struct Case {
  std::string name, cmd, prepare;
  std::vector<Sample> samples;
};

struct Spread {
  double median = 0, min = 0, max = 0;
};

Spread spread(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  const double median = n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
  return {median, values.front(), values.back()};
}

// Runs `cmd` with /bin/sh -c; nullopt when it could not start or exited non-zero.
std::optional<Sample> run(const std::string& cmd) {
  const auto start = std::chrono::steady_clock::now();
  const pid_t pid = fork();
  if (pid < 0) return std::nullopt;
  if (pid == 0) {
    execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  rusage usage{};
  if (wait4(pid, &status, 0, &usage) != pid) return std::nullopt;
  const auto end = std::chrono::steady_clock::now();
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::fprintf(stderr, "bench_measure: `%s` failed (status %d)\n", cmd.c_str(),
                 WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
    return std::nullopt;
  }
  return Sample{std::chrono::duration<double, std::milli>(end - start).count(), static_cast<double>(usage.ru_maxrss)};
}

bool run_case(Case& c, bool keep) {
  if (!c.prepare.empty() && !run(c.prepare)) return false;
  auto sample = run(c.cmd);
  if (!sample) return false;
  if (keep) c.samples.push_back(*sample);
  return true;
}

void report(const Case& c) {
  std::vector<double> walls, rss;
  for (const auto& s : c.samples) {
    walls.push_back(s.wall_ms);
    rss.push_back(s.rss_kib / 1024.0);
  }
  const auto w = spread(walls);
  const auto r = spread(rss);
  fmt::print("{:<44} wall {:>9.1f} ms ({:.1f}–{:.1f})   peak RSS {:>6.1f} MiB ({:.1f}–{:.1f})   n={}\n", c.name, w.median,
             w.min, w.max, r.median, r.min, r.max, c.samples.size());
  fmt::print("RESULT\t{}\twall_ms={:.3f}\twall_min_ms={:.3f}\twall_max_ms={:.3f}\trss_mib={:.2f}\trss_min_mib={:.2f}\t"
             "rss_max_mib={:.2f}\truns={}\n",
             c.name, w.median, w.min, w.max, r.median, r.min, r.max, c.samples.size());
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Times whole commands side by side: medians, min–max, peak RSS, pair-by-pair ratios."};
  Case a, b;
  int runs = 10, warmup = 1;
  app.add_option("--name", a.name, "Label of the command")->required();
  app.add_option("--cmd", a.cmd, "Command (sh -c)")->required();
  app.add_option("--prepare", a.prepare, "Untimed command before each run");
  app.add_option("--vs-name", b.name, "Label of the command compared against");
  app.add_option("--vs-cmd", b.cmd, "Command compared against (sh -c)");
  app.add_option("--vs-prepare", b.prepare, "Untimed command before each run of --vs-cmd");
  app.add_option("--runs", runs, "Timed runs per command")->check(CLI::Range(1, 10000));
  app.add_option("--warmup", warmup, "Untimed runs first")->check(CLI::Range(0, 1000));
  CLI11_PARSE(app, argc, argv);
  const bool paired = !b.cmd.empty();
  if (paired && b.name.empty()) b.name = b.cmd;

  for (int i = 0; i < warmup + runs; ++i) {
    const bool keep = i >= warmup;
    if (!run_case(a, keep)) return 1;
    if (paired && !run_case(b, keep)) return 1;
  }
  report(a);
  if (!paired) return 0;
  report(b);
  std::vector<double> ratios;
  for (size_t i = 0; i < a.samples.size(); ++i) ratios.push_back(b.samples[i].wall_ms / a.samples[i].wall_ms);
  const auto q = spread(ratios);
  fmt::print("{:<44} {:.2f}× ({:.2f}–{:.2f}) pair by pair\n", fmt::format("{} / {}", b.name, a.name), q.median, q.min,
             q.max);
  fmt::print("RESULT\t{}/{}\tratio={:.3f}\tratio_min={:.3f}\tratio_max={:.3f}\n", b.name, a.name, q.median, q.min, q.max);
  return 0;
}
