/* Stand-in for the Apple SDK's TargetConditionals.h, for `cargo clippy --target aarch64-apple-darwin`
 * on Linux only (scripts/test.sh): ring's C includes it to learn it is on macOS. The objects this
 * compiles are never linked; a real macOS build uses the SDK from Xcode's command line tools. */
#define TARGET_OS_MAC 1
#define TARGET_OS_OSX 1
#define TARGET_OS_IPHONE 0
#define TARGET_OS_IOS 0
#define TARGET_OS_TV 0
#define TARGET_OS_WATCH 0
#define TARGET_OS_SIMULATOR 0
