#!/usr/bin/env bash
# A throwaway WordPress on 127.0.0.1, from Debian's packages, to try Byline's WordPress
# destination against (and what the tests in tests/wordpress start). Nothing system-wide is
# touched: a private MariaDB (its own data dir and socket, no network) and WordPress copied into
# DIR, served by PHP's built-in server.
#
#   scripts/wordpress-dev.sh                      # start in ./.wordpress-dev on port 8088 and wait
#                                                 # (Ctrl+C stops it); prints the `byline
#                                                 # destination add` command to use
#   scripts/wordpress-dev.sh start DIR [--port P] [--home URL] [--plain-permalinks]
#                                                 # start in the background; prints url=, direct=,
#                                                 # user=, password=, app_password= lines
#   scripts/wordpress-dev.sh stop DIR             # stop both servers started in DIR
#
# --home is the address WordPress calls itself (WP_HOME), e.g. a proxy in front of it.
# Packages (scripts/deps.sh installs them): wordpress mariadb-server php-cli php-mysql php-gd
# php-xml php-mbstring php-curl php-intl wordpress-theme-twentytwentythree.
set -euo pipefail

WP_SRC=/usr/share/wordpress
USER_NAME=byline
USER_PASS=byline-dev-password

die() { echo "wordpress-dev: $*" >&2; exit 1; }
# die_log LOG MESSAGE: fails with the log's error lines, then its last lines, so a test's failure
# says why. (Under `set -e` a grep that matches nothing would end the script before the tail.)
die_log() {
  echo "wordpress-dev: $2 ($1):" >&2
  grep -i -m 8 "error\|fail\|cannot\|can't" "$1" >&2 2>/dev/null || true
  tail -n 15 "$1" >&2 2>/dev/null || true
  exit 1
}

need_tools() {
  local missing=()
  for c in php mariadbd mariadb-install-db mariadb; do
    command -v "$c" >/dev/null || [ -x "/usr/sbin/$c" ] || missing+=("$c")
  done
  [ -f "$WP_SRC/wp-settings.php" ] || missing+=("wordpress ($WP_SRC)")
  [ -d "$WP_SRC/wp-content/themes/twentytwentythree" ] || missing+=("wordpress-theme-twentytwentythree")
  local mods; mods=$(php -m 2>/dev/null || true)
  grep -qix 'mysqli' <<<"$mods" || missing+=("php-mysql")
  grep -qix 'gd' <<<"$mods" || missing+=("php-gd")
  [ ${#missing[@]} -eq 0 ] || die "missing: ${missing[*]}; run \`bash scripts/deps.sh\` (as root) to install them"
}

mariadbd_bin() { command -v mariadbd || echo /usr/sbin/mariadbd; }

wait_for() { # wait_for SECONDS COMMAND...
  local until=$((SECONDS + $1)); shift
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $until ] || return 1
    sleep 0.1
  done
}

start_db() {
  local dir=$1
  mkdir -p "$dir/db" "$dir/db-tmp"
  # A temp folder of its own: a MariaDB server deletes every `#sql*` file in its tmpdir when it
  # starts, so two instances sharing /tmp (tests start several at once) could delete each
  # other's temporary tables mid-install ("Unknown table 'mysql.tmp_user_sys'").
  mariadb-install-db --no-defaults --datadir="$dir/db" --tmpdir="$dir/db-tmp" \
    --auth-root-authentication-method=normal \
    --user=root >"$dir/db-install.log" 2>&1 || die_log "$dir/db-install.log" "mariadb-install-db failed"
  "$(mariadbd_bin)" --no-defaults --datadir="$dir/db" --tmpdir="$dir/db-tmp" --socket="$dir/db.sock" \
    --skip-networking --user=root --pid-file="$dir/db.pid" --log-error="$dir/db.log" >/dev/null 2>&1 &
  echo $! >"$dir/db.server-pid"
  wait_for 30 mariadb --no-defaults -S "$dir/db.sock" -u root -e "SELECT 1" \
    || die_log "$dir/db.log" "MariaDB did not start"
  mariadb --no-defaults -S "$dir/db.sock" -u root -e "CREATE DATABASE wordpress CHARACTER SET utf8mb4;
    CREATE USER 'wp'@'localhost' IDENTIFIED BY 'wp'; GRANT ALL ON wordpress.* TO 'wp'@'localhost';"
}

write_site() {
  local dir=$1 home=$2
  mkdir -p "$dir/site"
  # The code, without Debian's config and .htaccess (they point at /etc/wordpress).
  (cd "$WP_SRC" && find . -mindepth 1 -maxdepth 1 ! -name wp-content ! -name wp-config.php \
    ! -name .htaccess -exec cp -a {} "$dir/site/" \;)
  mkdir -p "$dir/site/wp-content/themes" "$dir/site/wp-content/uploads" "$dir/site/wp-content/plugins"
  cp -rL "$WP_SRC/wp-content/themes/twentytwentythree" "$dir/site/wp-content/themes/"
  local salt; salt=$(head -c 48 /dev/urandom | base64 | tr -d '/+=\n')
  cat >"$dir/site/wp-config.php" <<PHP
<?php
define('DB_NAME', 'wordpress');
define('DB_USER', 'wp');
define('DB_PASSWORD', 'wp');
define('DB_HOST', 'localhost:$dir/db.sock');
define('DB_CHARSET', 'utf8mb4');
define('DB_COLLATE', '');
define('WP_HOME', '$home');
define('WP_SITEURL', '$home');
define('WP_ENVIRONMENT_TYPE', 'local');
define('DISABLE_WP_CRON', true);
define('FS_METHOD', 'direct');
define('WP_CONTENT_DIR', __DIR__ . '/wp-content');
define('AUTH_KEY', '$salt-1'); define('SECURE_AUTH_KEY', '$salt-2');
define('LOGGED_IN_KEY', '$salt-3'); define('NONCE_KEY', '$salt-4');
define('AUTH_SALT', '$salt-5'); define('SECURE_AUTH_SALT', '$salt-6');
define('LOGGED_IN_SALT', '$salt-7'); define('NONCE_SALT', '$salt-8');
\$table_prefix = 'wp_';
if (!defined('ABSPATH')) { define('ABSPATH', __DIR__ . '/'); }
require_once ABSPATH . 'wp-settings.php';
PHP
  # PHP's built-in server: real files as they are, everything else through WordPress.
  cat >"$dir/router.php" <<'PHP'
<?php
$path = parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH);
if ($path !== '/' && is_file($_SERVER['DOCUMENT_ROOT'] . $path)) { return false; }
$_SERVER['SCRIPT_NAME'] = '/index.php';
$_SERVER['SCRIPT_FILENAME'] = $_SERVER['DOCUMENT_ROOT'] . '/index.php';
require $_SERVER['DOCUMENT_ROOT'] . '/index.php';
PHP
}

install_site() {
  local dir=$1 host=$2
  (cd "$dir/site" && php -r '
    define("WP_INSTALLING", true);
    $_SERVER["HTTP_HOST"] = $argv[1];
    require "wp-load.php";
    require "wp-admin/includes/upgrade.php";
    wp_install("Byline thử nghiệm", $argv[2], "byline@example.invalid", true, "", $argv[3]);
    update_option("permalink_structure", $argv[4] === "plain" ? "" : "/%postname%/");
    update_option("timezone_string", "Asia/Ho_Chi_Minh");
    update_option("blogdescription", "WordPress của Byline (thử nghiệm)");
    // An empty site: without the sample post and page, every post there is one Byline made.
    foreach (get_posts(["post_type" => ["post", "page"], "post_status" => "any", "numberposts" => -1]) as $p) {
      wp_delete_post($p->ID, true);
    }
  ' "$host" "$USER_NAME" "$USER_PASS" "$3" >"$dir/install.log" 2>&1) || die_log "$dir/install.log" "WordPress install failed"
  (cd "$dir/site" && php -r '
    $_SERVER["HTTP_HOST"] = $argv[1];
    require "wp-load.php";
    [$pw] = WP_Application_Passwords::create_new_application_password(1, ["name" => "byline"]);
    echo $pw;
  ' "$host" 2>>"$dir/install.log") >"$dir/app-password" || die "no application password: see $dir/install.log"
}

start() {
  local dir="" port="" home="" links=pretty
  while [ $# -gt 0 ]; do
    case $1 in
      --port) port=$2; shift 2 ;;
      --home) home=$2; shift 2 ;;
      --plain-permalinks) links=plain; shift ;;
      *) [ -z "$dir" ] || die "unexpected argument $1"; dir=$1; shift ;;
    esac
  done
  [ -n "$dir" ] || die "usage: $0 start DIR [--port P] [--home URL]"
  need_tools
  mkdir -p "$dir"; dir=$(cd "$dir" && pwd)
  [ ! -e "$dir/db" ] || die "$dir already holds a WordPress; \`$0 stop $dir\` and remove it first"
  [ -n "$port" ] || port=$(php -r '$s=stream_socket_server("tcp://127.0.0.1:0");echo explode(":",stream_socket_get_name($s,false))[1];')
  [ -n "$home" ] || home="http://127.0.0.1:$port"
  case $home in http://*|https://*) ;; *) die "--home must be an http(s) URL, not $home" ;; esac
  start_db "$dir"
  write_site "$dir" "$home"
  install_site "$dir" "${home#*://}" "$links"
  php -S "127.0.0.1:$port" -t "$dir/site" "$dir/router.php" >"$dir/php.log" 2>&1 &
  echo $! >"$dir/php.pid"
  wait_for 20 php -r "exit(@fsockopen('127.0.0.1', $port) ? 0 : 1);" || die "PHP did not listen on $port: see $dir/php.log"
  echo "url=$home"
  echo "direct=http://127.0.0.1:$port"
  echo "user=$USER_NAME"
  echo "password=$USER_PASS"
  echo "app_password=$(cat "$dir/app-password")"
}

stop() {
  local dir=${1:?usage: $0 stop DIR}
  for f in php.pid db.server-pid; do
    [ -f "$dir/$f" ] && kill "$(cat "$dir/$f")" 2>/dev/null || true
  done
  # mariadbd flushes on SIGTERM; give it a moment so DIR can be removed.
  [ -f "$dir/db.server-pid" ] && wait_for 10 sh -c "! kill -0 $(cat "$dir/db.server-pid") 2>/dev/null" || true
}

case ${1:-} in
  start) shift; start "$@" ;;
  stop) shift; stop "$@" ;;
  "")
    dir=./.wordpress-dev
    [ ! -e "$dir" ] || die "$dir exists (an earlier run); remove it to start afresh"
    trap 'stop "$dir"' EXIT INT TERM
    start "$dir" --port "${PORT:-8088}" >"$dir.env"
    cat "$dir.env"
    pw=$(sed -n 's/^app_password=//p' "$dir.env")
    echo
    echo "WordPress runs at http://127.0.0.1:${PORT:-8088} (admin: $USER_NAME / $USER_PASS). Try Byline with:"
    echo "  byline destination add local-wp --wordpress http://127.0.0.1:${PORT:-8088} --user $USER_NAME --app-password '$pw'"
    echo "  byline publish ID --to local-wp --json"
    echo "Ctrl+C stops it (then: rm -rf $dir $dir.env)."
    wait
    ;;
  *) die "usage: $0 [start DIR [--port P] [--home URL] | stop DIR]" ;;
esac
