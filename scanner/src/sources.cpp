// Frame sources that are not cameras: a directory of frames played at a rate (the demo and UI
// tests use it as a camera without a webcam) and a single image file.
#include "source_base.hpp"

#include <algorithm>
#include <filesystem>
#include <thread>

namespace kiosk::scanner {

namespace fs = std::filesystem;

// ---------------------------------------------------------------------------------------------
// SourceBase

SourceBase::~SourceBase() = default;

core::Status SourceBase::start(FrameSink sink) {
    stop();
    m_stop = false;
    m_sink = std::move(sink);
    setHealth(SourceState::Starting, "starting");
    try {
        m_thread = std::thread([this] { run(); });
    } catch (const std::exception& e) {
        setHealth(SourceState::Failed, e.what());
        return core::Error{"source.thread", std::string("cannot start the capture thread: ") + e.what()};
    }
    return {};
}

void SourceBase::stop() {
    {
        std::lock_guard lock(m_wakeMutex);  // no lost wake-up between the predicate and the wait
        m_stop = true;
    }
    m_wake.notify_all();
    if (m_thread.joinable()) m_thread.join();
    std::lock_guard lock(m_mutex);
    if (m_health.state == SourceState::Running || m_health.state == SourceState::Starting ||
        m_health.state == SourceState::Reconnecting)
        m_health.state = SourceState::Stopped;
}

SourceHealth SourceBase::health() const {
    std::lock_guard lock(m_mutex);
    return m_health;
}

void SourceBase::setHealth(SourceState state, std::string message) {
    std::lock_guard lock(m_mutex);
    m_health.state = state;
    m_health.message = std::move(message);
    m_health.device = m_device;
}

void SourceBase::deliver(const FrameView& frame, SteadyTime captured) {
    {
        std::lock_guard lock(m_mutex);
        ++m_health.frames;
        m_fpsTimes.push_back(captured);
        while (!m_fpsTimes.empty() && captured - m_fpsTimes.front() > std::chrono::seconds(1))
            m_fpsTimes.pop_front();
        m_health.fps = static_cast<double>(m_fpsTimes.size());
    }
    if (m_sink) m_sink(frame, captured);
}

bool SourceBase::sleepFor(std::chrono::nanoseconds d) {
    std::unique_lock lock(m_wakeMutex);
    return !m_wake.wait_for(lock, d, [this] { return m_stop.load(); });
}

bool SourceBase::sleepUntil(SteadyTime t) {
    std::unique_lock lock(m_wakeMutex);
    return !m_wake.wait_until(lock, t, [this] { return m_stop.load(); });
}

std::string_view stateName(SourceState s) {
    switch (s) {
        case SourceState::Stopped:
            return "stopped";
        case SourceState::Starting:
            return "starting";
        case SourceState::Running:
            return "running";
        case SourceState::Reconnecting:
            return "reconnecting";
        case SourceState::Finished:
            return "finished";
        case SourceState::Failed:
            return "failed";
    }
    return "unknown";
}

std::string_view originName(Origin o) {
    switch (o) {
        case Origin::Camera:
            return "camera";
        case Origin::Wedge:
            return "wedge";
        case Origin::File:
            return "file";
    }
    return "unknown";
}

namespace {

// ---------------------------------------------------------------------------------------------
// Frame sequence

class SequenceSource final : public SourceBase {
public:
    explicit SequenceSource(SequenceOptions o) : m_options(std::move(o)) { m_device = m_options.directory; }
    ~SequenceSource() override { stop(); }

private:
    void run() override {
        std::vector<fs::path> files;
        std::error_code ec;
        for (fs::directory_iterator it(m_options.directory, ec), end; !ec && it != end; it.increment(ec)) {
            std::string ext = it->path().extension().string();
            std::transform(ext.begin(), ext.end(), ext.begin(),
                           [](unsigned char c) { return std::tolower(c); });
            if (ext == ".png" || ext == ".jpg" || ext == ".jpeg") files.push_back(it->path());
        }
        if (ec) {
            setHealth(SourceState::Failed,
                      "cannot read frame directory " + m_options.directory + ": " + ec.message());
            return;
        }
        if (files.empty()) {
            setHealth(SourceState::Failed, "no PNG or JPEG frames in " + m_options.directory);
            return;
        }
        std::sort(files.begin(), files.end());
        const double fps = m_options.fps > 0 ? std::min(m_options.fps, 240.0) : 15.0;
        const auto period =
            std::chrono::duration_cast<SteadyTime::duration>(std::chrono::duration<double>(1.0 / fps));
        setHealth(SourceState::Running,
                  "playing " + std::to_string(files.size()) + " frames from " + m_options.directory);
        // Frames are decoded once and kept: a sequence is short (a demo loop), and re-decoding
        // PNGs every loop would cost more CPU than the scanner itself.
        std::vector<std::optional<Image>> cache(files.size());
        auto next = std::chrono::steady_clock::now();
        for (;;) {
            for (std::size_t i = 0; i < files.size(); ++i) {
                if (!sleepUntil(next)) return;
                next += period;
                if (!cache[i]) {
                    auto img = loadImage(files[i].string());
                    if (!img) continue;  // an unreadable frame is a dropped frame, as with a camera
                    cache[i] = std::move(*img);
                }
                deliver(cache[i]->view(), std::chrono::steady_clock::now());
            }
            if (!m_options.loop) break;
        }
        setHealth(SourceState::Finished, "sequence finished");
    }

    SequenceOptions m_options;
};

// ---------------------------------------------------------------------------------------------
// Single image file

class ImageFileSource final : public SourceBase {
public:
    ImageFileSource(std::string path, int repeat, double fps) : m_repeat(std::max(1, repeat)), m_fps(fps) {
        m_device = std::move(path);
    }
    ~ImageFileSource() override { stop(); }
    Origin origin() const override { return Origin::File; }

private:
    void run() override {
        auto img = loadImage(m_device);
        if (!img) {
            setHealth(SourceState::Failed, img.error().message);
            return;
        }
        setHealth(SourceState::Running, "reading " + m_device);
        const double fps = m_fps > 0 ? std::min(m_fps, 240.0) : 10.0;
        const auto period =
            std::chrono::duration_cast<SteadyTime::duration>(std::chrono::duration<double>(1.0 / fps));
        auto next = std::chrono::steady_clock::now();
        for (int i = 0; i < m_repeat; ++i) {
            if (!sleepUntil(next)) return;
            next += period;
            deliver(img->view(), std::chrono::steady_clock::now());
        }
        setHealth(SourceState::Finished, "image delivered");
    }

    int m_repeat;
    double m_fps;
};

}  // namespace

std::unique_ptr<FrameSource> openFrameSequence(SequenceOptions options) {
    return std::make_unique<SequenceSource>(std::move(options));
}

std::unique_ptr<FrameSource> openImageFile(std::string path, int repeat, double fps) {
    return std::make_unique<ImageFileSource>(std::move(path), repeat, fps);
}

}  // namespace kiosk::scanner
