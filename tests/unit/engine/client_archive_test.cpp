// The archive calls stream: GET hands chunks over as they arrive, PUT reads its body from a
// reader (chunked) instead of a whole buffer. A fake transport stands in for the wire.
#include <gtest/gtest.h>

#include <cstring>
#include <stdexcept>

#include "ollama_stack/engine/client.hpp"
#include "ollama_stack/util/error.hpp"

namespace ollama_stack::engine {
namespace {

struct FakeTransport : Transport {
  std::vector<HttpRequest> requests;
  std::vector<size_t> read_sizes;  // bytes returned by each body_reader call
  std::string uploaded;
  std::vector<std::string> download_chunks;
  int status = 200;

  HttpResponse send(const HttpRequest& request) override {
    if (request.path == "/_ping") return {200, "OK", {{"api-version", "1.41"}}};
    requests.push_back(request);
    if (request.body_reader) {
      char buffer[16];
      for (;;) {
        size_t got = request.body_reader(buffer, sizeof buffer);
        read_sizes.push_back(got);
        if (got == 0) break;
        uploaded.append(buffer, got);
      }
    }
    if (request.on_data && status == 200)
      for (const auto& chunk : download_chunks)
        if (!request.on_data(chunk)) break;
    return {status, status == 200 ? "" : R"({"message":"no such container"})", {}};
  }
  std::string describe() const override { return "fake://"; }
};

TEST(ClientArchive, PutArchiveStreamReadsTheBodyInPiecesAndNeverBuffersIt) {
  auto owned = std::make_unique<FakeTransport>();
  auto* fake = owned.get();
  Client client(std::move(owned));
  const std::string payload(100, 'x');
  size_t offset = 0;
  client.put_archive_stream("abc", "/vol", [&](char* buffer, size_t size) {
    size_t n = std::min(size, payload.size() - offset);
    std::memcpy(buffer, payload.data() + offset, n);
    offset += n;
    return n;
  });
  ASSERT_EQ(fake->requests.size(), 1u);
  const auto& request = fake->requests[0];
  EXPECT_EQ(request.method, "PUT");
  EXPECT_EQ(request.path, "/v1.41/containers/abc/archive?path=%2Fvol");
  EXPECT_EQ(request.content_type, "application/x-tar");
  EXPECT_TRUE(request.body.empty()) << "the body is read from the reader, not buffered";
  EXPECT_EQ(fake->uploaded, payload);
  EXPECT_GT(fake->read_sizes.size(), 6u) << "many small reads, each at most the transport's buffer";
  EXPECT_EQ(fake->read_sizes.back(), 0u);
}

TEST(ClientArchive, PutArchiveStreamReportsTheEngineError) {
  auto owned = std::make_unique<FakeTransport>();
  owned->status = 404;
  Client client(std::move(owned));
  try {
    client.put_archive_stream("gone", "/", [](char*, size_t) { return size_t{0}; });
    FAIL() << "expected an error";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("no such container"), std::string::npos) << error.what();
  }
}

TEST(ClientArchive, GetArchiveHandsChunksOverAsTheyArriveAndStopsWhenAsked) {
  auto owned = std::make_unique<FakeTransport>();
  owned->download_chunks = {"one", "two", "three"};
  auto* fake = owned.get();
  Client client(std::move(owned));
  std::vector<std::string> seen;
  client.get_archive("abc", "/root/.ollama", [&](std::string_view bytes) {
    seen.emplace_back(bytes);
    return seen.size() < 2;
  });
  EXPECT_EQ(seen, (std::vector<std::string>{"one", "two"}));
  EXPECT_EQ(fake->requests.at(0).path, "/v1.41/containers/abc/archive?path=%2Froot%2F.ollama");
  EXPECT_EQ(fake->requests.at(0).timeout.count(), 0) << "a large volume must not hit a call deadline";
}

}  // namespace
}  // namespace ollama_stack::engine
