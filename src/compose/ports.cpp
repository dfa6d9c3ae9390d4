#include "ollama_stack/compose/ports.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <charconv>

#include "node_values.hpp"

namespace ollama_stack::compose {
namespace {

struct PortRange {
  uint16_t first = 0;
  uint16_t last = 0;
  size_t size() const { return static_cast<size_t>(last - first) + 1; }
};

class PortParser {
 public:
  PortParser(const Node& entry, std::string_view path) : entry_(entry), path_(path) {}

  [[noreturn]] void fail(std::string_view what, std::string hint = {}) const {
    fail_at(entry_, path_, what, std::move(hint));
  }

  [[noreturn]] void fail_port(std::string_view shown) const {
    fail(fmt::format("\"{}\" is not a valid port (1-65535)", shown),
         "use a number from 1 to 65535, or a range like 9090-9091");
  }

  std::optional<uint16_t> port(std::string_view text) const {
    unsigned value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value < 1 ||
        value > 65535) {
      return std::nullopt;
    }
    return static_cast<uint16_t>(value);
  }

  // "8080" or "8080-8081"; `shown` is the whole entry for the message.
  PortRange range(std::string_view text, std::string_view shown) const {
    auto dash = text.find('-');
    auto first = port(text.substr(0, dash));
    auto last = dash == std::string_view::npos ? first : port(text.substr(dash + 1));
    if (!first || !last) fail_port(shown);
    if (*last < *first) fail(fmt::format("\"{}\": the port range {} runs backwards", shown, text));
    return PortRange{*first, *last};
  }

  std::string protocol(std::string_view text) const {
    if (text == "tcp" || text == "udp" || text == "sctp") return std::string(text);
    fail(fmt::format("\"{}\" is not a protocol (tcp, udp or sctp)", text));
  }

  std::string host_ip(std::string_view text) const {
    if (text.size() >= 2 && text.front() == '[' && text.back() == ']') {
      text = text.substr(1, text.size() - 2);
    }
    std::string ip(text);
    unsigned char buffer[16];
    if (!ip.empty() && inet_pton(AF_INET, ip.c_str(), buffer) != 1 &&
        inet_pton(AF_INET6, ip.c_str(), buffer) != 1) {
      fail(fmt::format("\"{}\" is not an IP address", ip));
    }
    return ip;
  }

  // Published range (empty = ephemeral) against target range → one mapping per port.
  std::vector<PortMapping> expand(const std::string& ip, std::optional<PortRange> published,
                                  PortRange target, const std::string& proto,
                                  std::string_view shown) const {
    // One container port and a host range: the engine picks a free port of the range.
    if (published && published->size() > 1 && target.size() == 1) {
      PortMapping mapping;
      mapping.host_ip = ip;
      mapping.target = target.first;
      mapping.protocol = proto;
      mapping.published = published->first;
      mapping.published_last = published->last;
      return {mapping};
    }
    if (published && published->size() != target.size()) {
      fail(fmt::format("\"{}\": the published and target port ranges differ in length", shown),
           "give ranges of the same length, e.g. 9090-9091:8080-8081");
    }
    std::vector<PortMapping> out;
    for (size_t i = 0; i < target.size(); ++i) {
      PortMapping mapping;
      mapping.host_ip = ip;
      mapping.target = static_cast<uint16_t>(target.first + i);
      mapping.protocol = proto;
      if (published) {
        mapping.published = static_cast<uint16_t>(published->first + i);
      } else {
        mapping.ephemeral = true;
      }
      out.push_back(mapping);
    }
    return out;
  }

  std::vector<PortMapping> short_form(const std::string& text) const {
    std::string_view rest = text;
    std::string proto = "tcp";
    if (auto slash = rest.rfind('/'); slash != std::string_view::npos) {
      proto = protocol(rest.substr(slash + 1));
      rest = rest.substr(0, slash);
    }
    auto last_colon = rest.rfind(':');
    if (last_colon == std::string_view::npos) {
      return expand("", std::nullopt, range(rest, text), proto, text);
    }
    PortRange target = range(rest.substr(last_colon + 1), text);
    std::string_view before = rest.substr(0, last_colon);
    std::string ip;
    std::string_view published_text = before;
    if (auto colon = before.rfind(':'); colon != std::string_view::npos) {
      ip = host_ip(before.substr(0, colon));
      published_text = before.substr(colon + 1);
    }
    std::optional<PortRange> published;
    if (!published_text.empty()) published = range(published_text, text);
    return expand(ip, published, target, proto, text);
  }

  std::vector<PortMapping> long_form() const {
    check_keys(entry_, path_,
               {"target", "published", "host_ip", "protocol", "mode", "name", "app_protocol"},
               true);
    const Node* target_node = entry_.find("target");
    if (target_node == nullptr) fail("a port needs a \"target\" (the container port)");
    std::string target_path = join_path(path_, "target");
    auto target = port(as_string(*target_node, target_path));
    if (!target)
      fail_at(*target_node, target_path,
              fmt::format("\"{}\" is not a valid port (1-65535)", target_node->value));
    std::string ip;
    std::string proto = "tcp";
    std::optional<PortRange> published;
    if (const Node* n = entry_.find("host_ip"); n && !n->is_null()) {
      ip = host_ip(as_string(*n, join_path(path_, "host_ip")));
    }
    if (const Node* n = entry_.find("protocol"); n && !n->is_null()) {
      proto = protocol(as_string(*n, join_path(path_, "protocol")));
    }
    if (const Node* n = entry_.find("mode"); n && !n->is_null()) {
      std::string mode = as_string(*n, join_path(path_, "mode"));
      if (mode != "host" && mode != "ingress") {
        fail_at(*n, join_path(path_, "mode"), fmt::format("\"{}\" is not host or ingress", mode));
      }
    }
    if (const Node* n = entry_.find("published"); n && !n->is_null()) {
      std::string text = as_string(*n, join_path(path_, "published"));
      if (!text.empty()) {
        PortParser inner(*n, join_path(path_, "published"));
        published = inner.range(text, text);
      }
    }
    return expand(ip, published, PortRange{*target, *target}, proto,
                  fmt::format("target {}", *target));
  }

 private:
  const Node& entry_;
  std::string path_;
};

}  // namespace

std::vector<PortMapping> parse_port_entry(const Node& entry, std::string_view path) {
  PortParser parser(entry, path);
  if (entry.is_scalar()) return parser.short_form(entry.value);
  if (entry.is_mapping()) return parser.long_form();
  fail_at(
      entry, path,
      fmt::format("must be a port string like \"8080:80\" or a mapping, not {}", kind_name(entry)));
}

}  // namespace ollama_stack::compose
