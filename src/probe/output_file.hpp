//
// src/probe/output_file.hpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// --output FILE: the report replaces FILE in one step, so a reader (the
// node_exporter textfile collector) sees the old file or the new one, never
// a part. Like platform.cpp, output_file.cpp names OS headers.
//
#ifndef PORTGUARD_PROBE_OUTPUT_FILE_HPP
#define PORTGUARD_PROBE_OUTPUT_FILE_HPP

#include <string>
#include <string_view>

namespace portguard {
namespace probe {

/// Writes `content` to a new file beside `path` (same directory, a hidden
/// name that does not end in `.prom`), flushes it to disk, makes it mode
/// 0644 (POSIX) and renames it over `path` (Windows: MoveFileEx, replacing
/// an existing file). On failure the new file is removed, `path` is left as
/// it was, and `error` says which step failed and why.
bool write_file_atomically(const std::string& path, std::string_view content,
    std::string& error);

} // namespace probe
} // namespace portguard

#endif
