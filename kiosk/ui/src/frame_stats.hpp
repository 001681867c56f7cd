#pragma once
// What the kiosk measures about itself: frame work and intervals, render/swap, scan → welcome,
// welcome → CUPS accepted, and the check-in's database time. Written as JSON to --stats-file on
// exit and every 10 s. Also decides whether a frame must be rasterised at all (drawHash).
#include <kiosk/core/types.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

struct ImDrawData;

namespace kiosk::ui {

class FrameStats {
public:
    using Clock = std::chrono::steady_clock;

    /// FNV-1a over everything ImGui will draw this frame. Equal hashes mean an identical picture,
    /// so the backend need not rasterise it again: on a software renderer (llvmpipe, Xvfb, a kiosk
    /// PC without a GPU driver) that is most of a frame's cost, and an idle screen costs nothing.
    static uint64_t hashDrawData(const ImDrawData* dd);

    /// Start of a loop iteration (records the interval since the last one).
    void frameStarted(Clock::time_point start);
    /// True when this frame must be rendered: the caller says the picture changed in a way the
    /// draw lists do not show, the draw lists changed, or a second passed (repairs any damage
    /// the window system did not report).
    bool mustRender(bool forced, uint64_t drawHash, Clock::time_point start);
    void uiWork(double ms) { m_uiWorkMs.push_back(ms); }
    void rendered(double ms, uint64_t drawHash);
    void frameDone(double workMs);

    void checkinDb(double ms) { m_checkinDbMs.push_back(ms); }
    /// The font atlas was (re)built: how long it took and the texture's size.
    void fontAtlas(double ms, int width, int height) {
        m_fontBuildMs.push_back(ms);
        m_atlasW = width;
        m_atlasH = height;
    }
    /// A welcome is about to be drawn for a code entered at `codeAt`.
    void welcomeComing(Clock::time_point codeAt, std::string printJobId);
    /// The welcome was on screen at the end of this frame (steady and UTC clocks).
    void welcomeShown(Clock::time_point end, core::TimePoint utc);
    /// CUPS accepted a job at `at` (the print worker's UTC stamp).
    void printAccepted(const std::string& jobId, core::TimePoint at);

    /// Writes the JSON file (temp file + rename). No-op for an empty path.
    void write(const std::string& path) const;
    /// Every 10 s at most.
    void writeIfDue(const std::string& path, Clock::time_point now);

private:
    std::vector<double> m_frameWorkMs;      ///< drain → swap done (what the CPU spends per frame)
    std::vector<double> m_frameIntervalMs;  ///< start to start (includes the wait for the next frame)
    std::vector<double> m_uiWorkMs;         ///< drain → draw lists ready (our code, without the GPU driver)
    std::vector<double> m_renderSwapMs;     ///< OpenGL render + swap of frames that changed (llvmpipe: CPU)
    std::vector<double> m_scanToWelcomeMs;  ///< code entered (last key / frame capture) → welcome swapped
    std::vector<double> m_welcomeToAcceptedMs;  ///< welcome on screen → CUPS accepted the badge job
    std::vector<double> m_checkinDbMs;          ///< worker's checkIn + enqueuePrint
    std::vector<double> m_fontBuildMs;          ///< font atlas builds (start-up, resize, new letters)
    int m_atlasW = 0;
    int m_atlasH = 0;
    std::optional<Clock::time_point> m_welcomeCodeAt;
    std::string m_welcomeJobId;
    std::optional<core::TimePoint> m_welcomeShownUtc;
    Clock::time_point m_lastFrameStart{};
    uint64_t m_lastDrawHash = 0;
    Clock::time_point m_lastRender{};
    uint64_t m_framesRendered = 0;
    Clock::time_point m_lastWrite{};
};

}  // namespace kiosk::ui
