#pragma once
// Numbers for people. Conventions (stable; scripts should use --json instead of parsing these):
//  bytes     1024-based with IEC names, because RAM, disk and Docker image sizes are counted in
//            powers of two and "GB" would be off by 7 %: "512 B", "1.2 KiB", "12.5 MiB",
//            "512 MiB", "1.0 GiB". One decimal below 100, none from 100 up.
//  durations truncated, never rounded up (a step that took 59.97 s never shows "60.0s"):
//            "850ms", "2.1s", "3m 05s", "2h 03m", "5d 02h".
//  rates     bytes per second as above: "12.5 MiB/s".
//  percent   a fraction in [0, 1], truncated to whole percent and clamped: "45%", "100%" only
//            when complete.
#include <chrono>
#include <cstdint>
#include <string>

namespace ollama_stack::cli {

std::string format_bytes(std::uint64_t bytes);
std::string format_duration(std::chrono::nanoseconds duration);  // negative shows as "0ms"
std::string format_rate(double bytes_per_second);                // negative/NaN shows as "0 B/s"
std::string format_percent(double fraction);
// current / total as a fraction for format_percent(); 0 when total is 0.
double fraction_of(std::uint64_t current, std::uint64_t total);

}  // namespace ollama_stack::cli
