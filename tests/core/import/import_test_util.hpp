#pragma once
// Helpers shared by the import tests that use real database files.
#include <unistd.h>
#include <filesystem>
#include <string>

namespace kiosk::core::test {

/// A fresh folder in the temp directory, removed with everything in it afterwards.
struct TempDir {
    std::filesystem::path path;
    explicit TempDir(const std::string& prefix = "kiosk_import_") {
        static int n = 0;
        path = std::filesystem::temp_directory_path() /
               (prefix + std::to_string(::getpid()) + "_" + std::to_string(++n));
        std::filesystem::create_directories(path);
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    std::string file(const std::string& name) const { return (path / name).string(); }
};

}  // namespace kiosk::core::test
