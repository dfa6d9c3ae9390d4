#include "ollama_stack/cli/progress.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <thread>

#include "ollama_stack/cli/text_width.hpp"

namespace ollama_stack::cli {
namespace {

using namespace std::chrono_literals;
constexpr std::uint64_t MiB = 1024 * 1024;

struct FakeClock {
  ProgressRenderer::TimePoint now{};
  ProgressRenderer::Clock fn() {
    return [this] { return now; };
  }
};

// Returns what was written since the last call.
struct Capture {
  std::ostringstream out;
  std::size_t seen = 0;
  std::string take() {
    std::string all = out.str();
    std::string fresh = all.substr(seen);
    seen = all.size();
    return fresh;
  }
};

TerminalCaps pipe() {
  return TerminalCaps{.is_tty = false, .color = false, .unicode = true, .width = 0};
}
TerminalCaps tty(int width = 120, bool color = false, bool unicode = false) {
  return TerminalCaps{.is_tty = true, .color = color, .unicode = unicode, .width = width};
}

TEST(ProgressPlain, OneLinePerStateChangeAndQuarterStep) {
  Capture cap;
  FakeClock clock;
  ProgressRenderer r(cap.out, pipe(), clock.fn());
  r.add("ollama", "ollama");
  r.add("webui", "webui");
  EXPECT_EQ(cap.take(), "");  // pending is not news
  r.start("ollama", "pulling");
  r.start("ollama", "pulling");  // same state, same message: no line
  EXPECT_EQ(cap.take(), "ollama: pulling\n");
  r.bytes("ollama", 100 * MiB, 1000 * MiB);
  EXPECT_EQ(cap.take(), "");
  r.bytes("ollama", 450 * MiB, 1000 * MiB);
  EXPECT_EQ(cap.take(), "ollama: pulling 45% (450 MiB / 1000 MiB)\n");
  r.bytes("ollama", 490 * MiB, 1000 * MiB);
  EXPECT_EQ(cap.take(), "");
  r.bytes("ollama", 800 * MiB, 1000 * MiB);  // skips the 50 % step: one line, not two
  EXPECT_EQ(cap.take(), "ollama: pulling 80% (800 MiB / 1000 MiB)\n");
  r.bytes("ollama", 1000 * MiB, 1000 * MiB);
  EXPECT_EQ(cap.take(), "ollama: pulling 100% (1000 MiB / 1000 MiB)\n");
  clock.now += 3400ms;
  r.done("ollama", "pulled");
  r.bytes("ollama", 1000 * MiB, 1000 * MiB);  // late event after done: ignored
  EXPECT_EQ(cap.take(), "ollama: pulled (3.4s)\n");
  r.start("webui", "waiting for health");
  clock.now += 2100ms;
  r.done("webui", "healthy");
  EXPECT_EQ(cap.take(), "webui: waiting for health\nwebui: healthy (2.1s)\n");
  r.bytes("layer", 5 * MiB, std::nullopt);  // size unknown: never a line per byte
  r.bytes("layer", 50 * MiB, std::nullopt);
  r.fail("mcpo", "port 8000 is in use");
  r.note("warning: extension \"x\" has no healthcheck");
  r.finish();
  EXPECT_EQ(cap.take(),
            "mcpo: failed: port 8000 is in use\n"
            "warning: extension \"x\" has no healthcheck\n");
}

TEST(ProgressPlain, NewMessageRestartsTheQuarterSteps) {
  Capture cap;
  FakeClock clock;
  ProgressRenderer r(cap.out, pipe(), clock.fn());
  r.bytes("img", 3 * MiB, 10 * MiB);  // bytes on a pending task: running, no message
  r.start("img", "extracting");
  r.bytes("img", 6 * MiB, 10 * MiB);
  clock.now += 850ms;
  r.done("img");
  EXPECT_EQ(cap.take(),
            "img: 30% (3.0 MiB / 10.0 MiB)\n"
            "img: extracting\n"
            "img: extracting 60% (6.0 MiB / 10.0 MiB)\n"
            "img: done (850ms)\n");
}

TEST(ProgressTty, RedrawsInPlace) {
  Capture cap;
  FakeClock clock;
  ProgressRenderer r(cap.out, tty(), clock.fn());
  r.add("ollama", "ollama");
  EXPECT_EQ(cap.take(), "\r\x1b[2K. ollama  waiting\n");
  r.start("ollama", "pulling");
  EXPECT_EQ(cap.take(), "\x1b[1A\r\x1b[2K| ollama  pulling\n");
  clock.now += 50ms;
  r.bytes("ollama", 0, 1000 * MiB);  // within 100 ms of the last redraw: not drawn
  EXPECT_EQ(cap.take(), "");
  clock.now += 100ms;
  r.bytes("ollama", 250 * MiB, 1000 * MiB);
  EXPECT_EQ(cap.take(),
            "\x1b[1A\r\x1b[2K/ ollama  pulling  #####---------------  25%  250 MiB / 1000 MiB\n");
  clock.now += 900ms;  // 1 s after the first sample: rate and ETA appear
  r.add("webui", "webui");
  EXPECT_EQ(cap.take(),
            "\x1b[1A"
            "\r\x1b[2K- ollama  pulling  #####---------------  25%  250 MiB / 1000 MiB  250 MiB/s  "
            "ETA 3.0s\n"
            "\r\x1b[2K. webui   waiting\n");
  clock.now += 1000ms;
  r.done("ollama", "pulled");
  const std::string last = "\x1b[2A\r\x1b[2K+ ollama  pulled (2.0s)\n\r\x1b[2K. webui   waiting\n";
  EXPECT_EQ(cap.take(), last);
  r.finish();
  EXPECT_EQ(cap.take(), last);  // the final state, drawn once more
  r.finish();
  EXPECT_EQ(cap.take(), "");
}

TEST(ProgressTty, ColourAndUnicodeGlyphs) {
  Capture cap;
  FakeClock clock;
  ProgressRenderer r(cap.out, tty(120, true, true), clock.fn());
  r.start("ollama", "starting");
  EXPECT_EQ(cap.take(), "\r\x1b[2K\x1b[36m⠋\x1b[0m ollama  starting\n");
  clock.now += 2100ms;
  r.done("ollama", "healthy");
  EXPECT_EQ(cap.take(), "\x1b[1A\r\x1b[2K\x1b[32m✓\x1b[0m ollama  healthy \x1b[2m(2.1s)\x1b[0m\n");
  r.fail("webui", "port 3000 is in use");
  EXPECT_EQ(cap.take(),
            "\x1b[1A\r\x1b[2K\x1b[32m✓\x1b[0m ollama  healthy \x1b[2m(2.1s)\x1b[0m\n"
            "\r\x1b[2K\x1b[31m✗\x1b[0m webui   \x1b[31mfailed: port 3000 is in use\x1b[0m\n");
}

TEST(ProgressTty, ThrottlesByteUpdatesToTenPerSecond) {
  Capture cap;
  FakeClock clock;
  ProgressRenderer r(cap.out, tty(), clock.fn());
  r.start("x", "pulling");
  cap.take();
  int redraws = 0;
  for (int i = 1; i <= 100; ++i) {
    clock.now += 10ms;  // 100 events over one second
    r.bytes("x", static_cast<std::uint64_t>(i) * MiB, 100 * MiB);
    if (!cap.take().empty()) ++redraws;
  }
  EXPECT_EQ(redraws, 10);
}

TEST(ProgressTty, TickAnimatesTheSpinnerWhenDue) {
  Capture cap;
  FakeClock clock;
  ProgressRenderer r(cap.out, tty(), clock.fn());
  r.start("webui", "waiting for health");
  cap.take();
  clock.now += 50ms;
  r.tick();
  EXPECT_EQ(cap.take(), "");
  clock.now += 150ms;
  r.tick();
  EXPECT_EQ(cap.take(), "\x1b[1A\r\x1b[2K- webui  waiting for health\n");
}

TEST(ProgressTty, NoteGoesAboveTheLiveLines) {
  Capture cap;
  FakeClock clock;
  ProgressRenderer r(cap.out, tty(), clock.fn());
  r.add("ollama", "ollama");
  cap.take();
  r.note("warning: low disk space");
  EXPECT_EQ(cap.take(), "\x1b[1A\r\x1b[2Kwarning: low disk space\n\r\x1b[2K. ollama  waiting\n");
}

TEST(ProgressTty, LinesNeverWrap) {
  Capture cap;
  FakeClock clock;
  ProgressRenderer r(cap.out, tty(30), clock.fn());
  r.start("ollama", "waiting for the model to finish loading");
  EXPECT_EQ(cap.take(), "\r\x1b[2K| ollama  waiting for the ...\n");
  EXPECT_EQ(display_width("| ollama  waiting for the ..."), 29u);
}

TEST(Progress, EventsFromManyThreads) {
  for (const bool is_tty : {false, true}) {
    Capture cap;
    {
      ProgressRenderer r(cap.out, is_tty ? tty() : pipe());
      std::vector<std::thread> workers;
      for (int w = 0; w < 4; ++w) {
        workers.emplace_back([&r, w] {
          const std::string id = "layer" + std::to_string(w);
          r.start(id, "pulling");
          for (std::uint64_t b = 0; b <= 1000; ++b) r.bytes(id, b, 1000);
          r.done(id, "pulled");
        });
      }
      for (auto& t : workers) t.join();
    }  // the destructor finishes
    const std::string out = cap.take();
    if (!is_tty) {
      EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 4 * 6) << out;
    }
    for (int w = 0; w < 4; ++w) {
      EXPECT_NE(out.find("layer" + std::to_string(w) + (is_tty ? "  pulled" : ": pulled")),
                std::string::npos);
    }
  }
}

TEST(Progress, TickerStopsOnFinish) {
  Capture cap;
  ProgressRenderer r(cap.out, tty());
  r.start("x", "working");
  r.start_ticker(5ms);
  std::this_thread::sleep_for(30ms);
  r.finish();
  EXPECT_NE(cap.take().find("x  working"), std::string::npos);
}

TEST(ProgressPlain, NewsOfALongWaitCarriesTheTimeSoFar) {
  Capture cap;
  FakeClock clock;
  ProgressRenderer r(cap.out, pipe(), clock.fn());
  r.start("webui", "starting");
  clock.now += 500ms;
  r.start("webui", "starting | log: migrations");  // under a second: no time yet
  clock.now += 11500ms;
  r.start("webui", "starting | log: downloading models");
  EXPECT_EQ(cap.take(),
            "webui: starting\n"
            "webui: starting | log: migrations\n"
            "webui: starting | log: downloading models (12.0s)\n");
}

TEST(ProgressTty, AWaitShowsHowLongItRuns) {
  Capture cap;
  FakeClock clock;
  ProgressRenderer r(cap.out, tty(), clock.fn());
  r.start("webui", "starting");
  cap.take();
  clock.now += 42300ms;
  r.tick();
  EXPECT_EQ(cap.take(), "\x1b[1A\r\x1b[2K\\ webui  (42.0s) starting\n");
}

}  // namespace
}  // namespace ollama_stack::cli
