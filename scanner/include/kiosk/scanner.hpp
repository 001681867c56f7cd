#pragma once
/// kiosk::scanner facade: reads QR codes from camera frames, image files, frame sequences and
/// USB keyboard-wedge scanners, and hands debounced scans to the UI through a queue.
/// Images pass as non-owning views; the decoder knows nothing of cameras, the camera nothing of
/// ZXing. No exceptions leave this header's functions; failures are kiosk::core::Result values.
#include <kiosk/core/result.hpp>
#include <kiosk/core/types.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kiosk::scanner {

using SteadyTime = std::chrono::steady_clock::time_point;

// ---------------------------------------------------------------------------------------------
// Frames

enum class PixelFormat {
    Gray8,   ///< 1 byte per pixel, luminance
    RGB24,   ///< 3 bytes R, G, B
    BGR24,   ///< 3 bytes B, G, R
    RGBA32,  ///< 4 bytes R, G, B, A
    BGRA32,  ///< 4 bytes B, G, R, A
    YUYV,    ///< 4 bytes per 2 pixels (Y0 U Y1 V), width must be even
};
int bytesPerPixel(PixelFormat f);  ///< YUYV counts 2

/// A non-owning view of one image. `stride` is bytes per row (>= width * bytesPerPixel).
struct FrameView {
    const uint8_t* data = nullptr;
    int width = 0;
    int height = 0;
    int stride = 0;
    PixelFormat format = PixelFormat::Gray8;
};
/// True when the view is usable: non-null, 1..16384 per side, stride large enough, YUYV even width.
bool isValid(const FrameView& v);

/// An owned image (pixels + view), e.g. loaded from a PNG or JPEG file.
class Image {
public:
    Image() = default;
    Image(int width, int height, PixelFormat format);  ///< zero-filled, tightly packed
    FrameView view() const;
    uint8_t* data() { return m_pixels.data(); }
    int width() const { return m_width; }
    int height() const { return m_height; }
    int stride() const { return m_stride; }
    PixelFormat format() const { return m_format; }
    bool empty() const { return m_pixels.empty(); }

private:
    std::vector<uint8_t> m_pixels;
    int m_width = 0, m_height = 0, m_stride = 0;
    PixelFormat m_format = PixelFormat::Gray8;
};

/// Load a PNG or JPEG file (detected by content) as RGB24 or Gray8.
/// Errors: "image.open", "image.format", "image.decode".
core::Result<Image> loadImage(const std::string& path);
/// Decode PNG or JPEG bytes already in memory (e.g. an MJPEG camera frame).
core::Result<Image> decodeImage(const uint8_t* bytes, std::size_t size);
/// Write an image as PNG (tests, debugging, `kiosk scan --save-frame`). Errors: "image.write".
core::Status savePng(const FrameView& view, const std::string& path);

// ---------------------------------------------------------------------------------------------
// Decoding

enum class CodeFormat { QRCode, MicroQRCode, Aztec, DataMatrix, Code128, Other };
std::string_view formatName(CodeFormat f);  ///< "qr", "microqr", "aztec", "datamatrix", "code128"

struct Point {
    int x = 0;
    int y = 0;
};

struct Decoded {
    std::string text;  ///< valid UTF-8, exactly as encoded (no trimming)
    CodeFormat format = CodeFormat::QRCode;
    std::array<Point, 4> corners{};  ///< in the coordinates of the FrameView passed in
    std::string strategy;            ///< which pass found it, e.g. "local", "x2 histogram", "inverted"
    bool primary = false;            ///< found by the first, plain pass (fallback finds are
                                     ///< confirmed over two frames by ScanService)
    double ms = 0;                   ///< time spent inside decode()
};

/// How much work one frame may cost. Live camera frames use the default; still images
/// (`kiosk scan FILE`) can afford more passes.
struct DecodeBudget {
    std::chrono::microseconds time{std::chrono::milliseconds(25)};  ///< soft limit per frame
    bool thorough = false;  ///< still image: run every pass regardless of time
};

struct DecoderOptions {
    bool qr = true;
    bool microQr = false;
    bool aztec = false;
    bool dataMatrix = false;
    bool code128 = false;  ///< Eventbrite tickets print one; see docs/scanner.md for the cost
};

/// Multi-pass decoder: a plain pass first, then other binarizers, inversion, other scales and
/// a centre region of interest while the budget lasts (live frames continue the fallback passes
/// where the previous frame stopped, so a code held still meets every pass within a few frames).
/// A text is returned only when it is valid UTF-8 and non-empty; see docs/scanner.md for the
/// misread rules. Keeps per-pass cost estimates: use one Decoder per thread.
class Decoder {
public:
    explicit Decoder(DecoderOptions options = {});
    ~Decoder();
    Decoder(Decoder&&) noexcept;
    Decoder& operator=(Decoder&&) noexcept;
    /// nullopt for an invalid view or no code. Never throws.
    std::optional<Decoded> decode(const FrameView& frame, DecodeBudget budget = {});

    struct State;

private:
    DecoderOptions m_options;
    std::unique_ptr<State> m_state;
};

// ---------------------------------------------------------------------------------------------
// Sources (each produces frames on its own thread)

enum class Origin { Camera, Wedge, File };
std::string_view originName(Origin o);  ///< "camera", "wedge", "file"

enum class SourceState {
    Stopped,       ///< not started, or stopped
    Starting,      ///< opening the device / directory
    Running,       ///< frames flowing
    Reconnecting,  ///< camera lost (unplugged?); retrying every second
    Finished,      ///< a non-looping sequence or single image has delivered all its frames
    Failed,        ///< cannot run at all (no such directory, no camera); message says what to do
};
std::string_view stateName(SourceState s);  ///< "stopped", "running", "reconnecting", …

struct SourceHealth {
    SourceState state = SourceState::Stopped;
    std::string message;  ///< for the volunteer / dashboard, e.g. "camera /dev/video0 unplugged"
    std::string device;   ///< "/dev/video0", a directory or a file
    double fps = 0;       ///< measured frames per second over the last second
    uint64_t frames = 0;  ///< frames delivered since start
};

/// Called on the source's thread for each frame. The view is valid only during the call.
using FrameSink = std::function<void(const FrameView& frame, SteadyTime captured)>;

class FrameSource {
public:
    virtual ~FrameSource() = default;
    /// Starts the capture thread. Errors only when it cannot start at all.
    virtual core::Status start(FrameSink sink) = 0;
    virtual void stop() = 0;  ///< joins the thread; idempotent
    virtual SourceHealth health() const = 0;
    /// Camera for cameras and frame sequences (both are live), File for a single image.
    virtual Origin origin() const { return Origin::Camera; }
};

struct CameraInfo {
    std::string device;                     ///< "/dev/video0"
    std::string name;                       ///< driver card name, e.g. "HD Pro Webcam C920"
    std::vector<std::array<int, 2>> sizes;  ///< frame sizes offered (YUYV or MJPEG), largest first
};
/// Capture devices among /dev/video* (metadata-only nodes skipped).
std::vector<CameraInfo> listCameras();

struct CameraOptions {
    std::string device;  ///< empty: the first camera found (re-discovered on reconnect)
    int width = 1280;    ///< preferred size; the nearest the camera offers is used
    int height = 720;
    int fps = 30;
};
struct SequenceOptions {
    std::string directory;  ///< PNG/JPEG frames played in file-name order
    double fps = 15;
    bool loop = true;
};

std::unique_ptr<FrameSource> openCamera(CameraOptions options);
std::unique_ptr<FrameSource> openFrameSequence(SequenceOptions options);
/// One image file delivered once (repeat > 1: that many times at `fps`).
std::unique_ptr<FrameSource> openImageFile(std::string path, int repeat = 1, double fps = 10);

// ---------------------------------------------------------------------------------------------
// Debouncing and keyboard-wedge scanners

/// The same code held in front of the camera is one scan; seen again after it was absent for
/// `absence` it is a new scan. Time is passed in. Not thread-safe.
class Debouncer {
public:
    explicit Debouncer(std::chrono::milliseconds absence = std::chrono::milliseconds(1500));
    /// True when this sighting should be reported as a scan.
    bool accept(std::string_view text, SteadyTime now);
    void reset();

private:
    struct Seen {
        std::string text;
        SteadyTime last;
    };
    std::chrono::milliseconds m_absence;
    std::vector<Seen> m_seen;
};

/// Key events a wedge scanner produces besides printable characters (the UI maps GLFW keys).
enum class WedgeKey { Enter, Tab, Backspace, Escape, Other };

struct WedgeOptions {
    std::chrono::milliseconds maxGap{60};  ///< keystrokes further apart are a person typing
    std::size_t minLength = 4;             ///< shorter bursts are not scans
};

/// Turns keystrokes of a USB barcode scanner acting as a keyboard into scans: a burst of fast
/// characters ended by Enter or Tab. Control characters are dropped. When the burst only makes
/// sense as a US-layout scanner typing on a Belgian AZERTY machine, it is remapped (rule in
/// docs/scanner.md). Not thread-safe: feed it from the UI thread.
class WedgeDecoder {
public:
    explicit WedgeDecoder(WedgeOptions options = {});
    /// A printable character (Unicode code point) as typed; returns a scan only on a terminator.
    std::optional<std::string> onChar(char32_t codepoint, SteadyTime at);
    std::optional<std::string> onKey(WedgeKey key, SteadyTime at);
    void reset();

private:
    WedgeOptions m_options;
    std::u32string m_buffer;
    SteadyTime m_last{};
    bool m_slow = false;
};

/// The AZERTY repair on its own: returns the text the scanner meant when `typed` does not fit a
/// known payload alphabet but its remapped form does; otherwise returns `typed` unchanged.
std::string repairKeyboardLayout(std::string_view typed);

// ---------------------------------------------------------------------------------------------
// The service the application owns

struct ScanEvent {
    std::string text;  ///< decoded payload (valid UTF-8, not yet sanitised by core)
    Origin origin = Origin::Camera;
    CodeFormat format = CodeFormat::QRCode;
    SteadyTime time{};      ///< when decoded (steady clock)
    core::TimePoint utc{};  ///< same instant, UTC, for the check-in record
    double latencyMs = 0;   ///< frame capture → decoded (0 for wedge scans)
};

/// The latest camera frame as RGBA, downscaled (and mirrored when asked) for the UI preview.
struct PreviewFrame {
    std::vector<uint8_t> rgba;  ///< width * height * 4, tightly packed
    int width = 0;
    int height = 0;
    uint64_t sequence = 0;           ///< increases with every new frame
    std::array<Point, 4> corners{};  ///< last decoded code in preview coordinates (all 0: none)
    bool hasCode = false;
};

struct ScanServiceOptions {
    DecoderOptions decoder;
    DecodeBudget budget;
    std::chrono::milliseconds debounceAbsence{1500};
    WedgeOptions wedge;
    int previewMaxWidth = 640;
    bool mirrorPreview = true;
    std::size_t maxQueuedEvents = 64;
};

/// Runs source → decoder → debouncer on a worker thread. The UI thread calls poll(),
/// latestPreview() and health() once per frame; none of them blocks on the camera.
class ScanService {
public:
    /// `source` may be null for a wedge-only kiosk.
    explicit ScanService(std::unique_ptr<FrameSource> source, ScanServiceOptions options = {});
    ~ScanService();
    ScanService(const ScanService&) = delete;
    ScanService& operator=(const ScanService&) = delete;

    core::Status start();
    void stop();

    /// Drains the queue of debounced scans. Non-blocking.
    std::vector<ScanEvent> poll();
    /// Copies the latest preview into `out` only when a newer frame exists; false otherwise.
    bool latestPreview(PreviewFrame& out);
    SourceHealth health() const;

    /// Keyboard-wedge input forwarded by the UI (GLFW char / key callbacks); completed scans are
    /// queued like camera scans (Origin::Wedge). Call from the UI thread.
    void feedWedgeChar(char32_t codepoint, SteadyTime at);
    void feedWedgeKey(WedgeKey key, SteadyTime at);

    struct Impl;

private:
    std::unique_ptr<Impl> m_impl;
};

}  // namespace kiosk::scanner
