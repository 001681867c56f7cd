#include "frame_stats.hpp"

#include <kiosk/core/file.hpp>

#include <imgui.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>

namespace kiosk::ui {

namespace {

double msBetween(FrameStats::Clock::time_point a, FrameStats::Clock::time_point b) {
    return std::chrono::duration<double, std::milli>(b - a).count();
}

nlohmann::json percentiles(std::vector<double> v) {
    nlohmann::json j = nlohmann::json::object();
    j["count"] = v.size();
    if (v.empty()) return j;
    std::sort(v.begin(), v.end());
    auto at = [&](double q) {
        return v[std::min(v.size() - 1,
                          static_cast<std::size_t>(std::lround(q * static_cast<double>(v.size() - 1))))];
    };
    j["p50"] = at(0.50);
    j["p95"] = at(0.95);
    j["p99"] = at(0.99);
    j["max"] = v.back();
    return j;
}

}  // namespace

uint64_t FrameStats::hashDrawData(const ImDrawData* dd) {
    uint64_t h = 1469598103934665603ull;
    auto mix = [&h](const void* p, std::size_t n) {
        const auto* b = static_cast<const unsigned char*>(p);
        for (std::size_t i = 0; i < n; ++i) h = (h ^ b[i]) * 1099511628211ull;
    };
    if (!dd) return h;
    mix(&dd->DisplaySize, sizeof dd->DisplaySize);
    for (int i = 0; i < dd->CmdListsCount; ++i) {
        const ImDrawList* l = dd->CmdLists[i];
        mix(l->VtxBuffer.Data, static_cast<std::size_t>(l->VtxBuffer.Size) * sizeof(ImDrawVert));
        mix(l->IdxBuffer.Data, static_cast<std::size_t>(l->IdxBuffer.Size) * sizeof(ImDrawIdx));
        for (const ImDrawCmd& c : l->CmdBuffer) {
            mix(&c.ClipRect, sizeof c.ClipRect);
            mix(&c.TextureId, sizeof c.TextureId);
            mix(&c.ElemCount, sizeof c.ElemCount);
        }
    }
    return h;
}

void FrameStats::frameStarted(Clock::time_point start) {
    if (m_lastFrameStart.time_since_epoch().count())
        m_frameIntervalMs.push_back(msBetween(m_lastFrameStart, start));
    m_lastFrameStart = start;
}

bool FrameStats::mustRender(bool forced, uint64_t drawHash, Clock::time_point start) {
    if (!(forced || drawHash != m_lastDrawHash || start - m_lastRender > std::chrono::seconds(1)))
        return false;
    m_lastRender = start;
    return true;
}

void FrameStats::rendered(double ms, uint64_t drawHash) {
    m_renderSwapMs.push_back(ms);
    m_lastDrawHash = drawHash;
    ++m_framesRendered;
}

void FrameStats::frameDone(double workMs) {
    m_frameWorkMs.push_back(workMs);
    // Bounded memory on a kiosk that runs all day: keep the most recent samples.
    for (auto* v : {&m_frameWorkMs, &m_frameIntervalMs, &m_uiWorkMs, &m_renderSwapMs})
        if (v->size() > 200000) v->erase(v->begin(), v->begin() + 100000);
}

void FrameStats::welcomeComing(Clock::time_point codeAt, std::string printJobId) {
    m_welcomeCodeAt = codeAt;
    m_welcomeShownUtc.reset();
    m_welcomeJobId = std::move(printJobId);
}

void FrameStats::welcomeShown(Clock::time_point end, core::TimePoint utc) {
    if (!m_welcomeCodeAt) return;
    m_scanToWelcomeMs.push_back(msBetween(*m_welcomeCodeAt, end));
    m_welcomeCodeAt.reset();
    m_welcomeShownUtc = utc;
}

void FrameStats::printAccepted(const std::string& jobId, core::TimePoint at) {
    if (jobId != m_welcomeJobId || !m_welcomeShownUtc) return;
    // Both instants on the UTC clock: the worker stamps the event, we stamped the welcome.
    m_welcomeToAcceptedMs.push_back(static_cast<double>((at - *m_welcomeShownUtc).count()));
    m_welcomeJobId.clear();
}

void FrameStats::write(const std::string& path) const {
    if (path.empty()) return;
    nlohmann::json j;
    j["frames"] = m_frameWorkMs.size();
    j["frames_rendered"] = m_framesRendered;
    j["frame_work_ms"] = percentiles(m_frameWorkMs);
    j["frame_interval_ms"] = percentiles(m_frameIntervalMs);
    j["ui_work_ms"] = percentiles(m_uiWorkMs);
    j["render_swap_ms"] = percentiles(m_renderSwapMs);
    j["scan_to_welcome_ms"] = percentiles(m_scanToWelcomeMs);
    j["scan_to_welcome_samples"] = m_scanToWelcomeMs;
    j["welcome_to_cups_accepted_ms"] = percentiles(m_welcomeToAcceptedMs);
    j["welcome_to_cups_accepted_samples"] = m_welcomeToAcceptedMs;
    j["checkin_db_ms"] = percentiles(m_checkinDbMs);
    j["font_atlas_build_ms"] = m_fontBuildMs;
    j["font_atlas_size"] = {m_atlasW, m_atlasH};
    // A private temporary and a rename (kiosk/core/file.hpp), without fsync: figures, made again.
    (void)core::writeFileAtomically(path, j.dump(1) + "\n", 0600, core::AtomicFile::Sync::Fast);
}

void FrameStats::writeIfDue(const std::string& path, Clock::time_point now) {
    if (path.empty() || now - m_lastWrite <= std::chrono::seconds(10)) return;
    m_lastWrite = now;
    write(path);
}

}  // namespace kiosk::ui
