#pragma once
// Ollama's `/api/pull` answer: NDJSON, one status object a line, arriving in pieces that may end
// anywhere (mid-line, mid-character). Pure: the parser and the tracker see only bytes and events.
//   {"status":"pulling manifest"}
//   {"status":"pulling 1a2b3c4d5e6f","digest":"sha256:…","total":2019393189,"completed":241970}
//   {"status":"success"}                       or, at any point: {"error":"pull model manifest: …"}
// Ollama leaves `completed` out while it is 0, and `total` out before it knows the size.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ollama_stack::stack {

struct PullEvent {
  std::string status;               // "pulling manifest", "pulling 1a2b3c4d5e6f", "success"
  std::string digest;               // "sha256:…" when the event is about one layer
  std::optional<int64_t> total;     // the layer's size, when sent
  std::optional<int64_t> completed; // bytes so far, when sent
  std::string error;                // not empty: the server's error (or why the line is unreadable)
};

// One line of the stream. Never throws: a line that is not a JSON object becomes an event whose
// `error` quotes it.
PullEvent parse_pull_line(std::string_view line);

// Splits a byte stream into lines and parses each; blank lines and "\r\n" endings are fine.
class PullStreamParser {
 public:
  // The events completed by `bytes`; an unfinished line waits for the next piece.
  std::vector<PullEvent> feed(std::string_view bytes);
  // At the end of the stream: the last line if it had no newline.
  std::vector<PullEvent> finish();

 private:
  std::string pending_;
};

struct PullLayer {
  std::string digest;
  int64_t total = 0;      // 0 = not known yet
  int64_t completed = 0;
  bool done() const { return total > 0 && completed >= total; }
};

// What a pull has done so far, from its events: layers and their bytes, the last status, the
// outcome.
class PullTracker {
 public:
  void apply(const PullEvent& event);
  const std::vector<PullLayer>& layers() const { return layers_; }
  const PullLayer* layer(const std::string& digest) const;
  int64_t total_bytes() const;
  int64_t completed_bytes() const;
  const std::string& last_status() const { return last_status_; }
  bool succeeded() const { return succeeded_; }
  const std::string& error() const { return error_; }

 private:
  std::vector<PullLayer> layers_;
  std::string last_status_;
  bool succeeded_ = false;
  std::string error_;
};

// "sha256:1a2b3c4d5e6f7a8b…" -> "1a2b3c4d5e6f" (what Ollama prints).
std::string short_digest(std::string_view digest);

}  // namespace ollama_stack::stack
