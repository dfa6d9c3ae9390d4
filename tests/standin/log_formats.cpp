// STANDIN_LEVEL_LINES=1: at start, each role prints lines of every level in the format its upstream
// service really writes (see README.md, "Log formats"), so that `logs --level` is tested against
// them. Written without the "standin[ROLE]" prefix: these lines must look like the service's.
#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>
#include <thread>
#include <vector>

#include "standin.hpp"

namespace standin {
namespace {

struct Sample {
  bool to_stderr;
  std::string text;
};

// "2025-01-02 03:04:05" (Python's asctime and loguru's time, without the fraction).
std::string python_time() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}

std::vector<Sample> ollama_samples() {
  // logutil/logutil.go: slog.NewTextHandler(os.Stderr) with AddSource; gin's request lines have no
  // level.
  const std::string t = "time=" + rfc3339(std::chrono::system_clock::now());
  return {
      {true, t + " level=DEBUG source=server.go:101 msg=\"standin debug\""},
      {true, t + " level=INFO source=routes.go:1234 msg=\"standin info\""},
      {true, t + " level=WARN source=sched.go:210 msg=\"standin warn\" model=standin-tiny"},
      {true, t + " level=ERROR source=server.go:303 msg=\"standin error\" error=\"model runner "
                 "crashed\""},
      {true,
       "[GIN] 2025/01/02 - 03:04:05 | 500 |    1.234ms |       127.0.0.1 | POST     \"/api/chat\""},
      {true, t + " level=INFO source=routes.go:1287 msg=\"Listening on [::]:11434 (version "
                 "0.0.0-standin)\""}};
}

std::vector<Sample> webui_samples() {
  // backend/open_webui/utils/logger.py: loguru to stdout, "{time} | {level: <8} |
  // {name}:{function}:{line} - {message}" and the exception on the lines after; uvicorn's own
  // startup line on stderr.
  const std::string t = python_time() + ".123";
  return {{true, "INFO:     Started server process [1]"},
          {false, t + " | DEBUG    | open_webui.main:lifespan:101 - standin debug"},
          {false, t + " | INFO     | open_webui.main:lifespan:102 - standin info"},
          {false, t + " | WARNING  | open_webui.main:lifespan:103 - standin warn"},
          {false, t + " | ERROR    | open_webui.main:lifespan:104 - standin error"},
          {false, "Traceback (most recent call last):"},
          {false, "  File \"/app/backend/open_webui/main.py\", line 104, in lifespan"},
          {false, "ValueError: standin error"},
          {false, t + " | INFO     | open_webui.main:lifespan:105 - standin info after the error"}};
}

std::vector<Sample> mcpo_samples() {
  // src/mcpo/main.py: logging.basicConfig(format="%(asctime)s - %(levelname)s - %(message)s") on
  // stderr, exc_info=True adds the traceback; then uvicorn's "INFO:     Uvicorn running on …".
  const std::string t = python_time() + ",123";
  return {
      {true, t + " - DEBUG - standin debug"},
      {true, t + " - INFO - Starting MCPO Server..."},
      {true, t + " - WARNING - Failed to connect to:"},
      {true, t + " - ERROR - Failed to connect to MCP server 'standin': ValueError: standin error"},
      {true, "Traceback (most recent call last):"},
      {true, "  File \"/app/src/mcpo/main.py\", line 404, in lifespan"},
      {true, "ValueError: standin error"},
      {true, "INFO:     Uvicorn running on http://0.0.0.0:8000 (Press CTRL+C to quit)"}};
}

}  // namespace

void print_level_samples(const std::string& role) {
  const auto samples = role == "ollama"  ? ollama_samples()
                       : role == "webui" ? webui_samples()
                       : role == "mcpo"  ? mcpo_samples()
                                         : std::vector<Sample>{};
  bool last_stderr = true;
  for (const auto& sample : samples) {
    // The engine reads stdout and stderr separately and stamps each line as it reads it: a
    // moment between streams keeps the lines in the order written.
    if (sample.to_stderr != last_stderr) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    last_stderr = sample.to_stderr;
    std::FILE* stream = sample.to_stderr ? stderr : stdout;
    std::fputs((sample.text + "\n").c_str(), stream);
    std::fflush(stream);
  }
}

}  // namespace standin
