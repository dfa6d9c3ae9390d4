<#
.SYNOPSIS
    Installs ollama-stack on Windows: inside the default WSL 2 distribution, with an
    `ollama-stack` command on the Windows side that forwards to it.

.DESCRIPTION
    Docker Desktop on Windows runs the Docker Engine inside WSL 2, and ollama-stack is a Linux
    program, so it is built and installed inside your default WSL distribution by this
    checkout's install.sh (apt/dnf/pacman there install the build dependencies; sudo may ask
    for your Linux password). Then:

      %LOCALAPPDATA%\ollama-stack\bin\ollama-stack.cmd   forwards every argument to
                               wsl.exe -d <distro> --exec /home/<you>/.local/bin/ollama-stack

    is written and that directory is added to your user PATH, so `ollama-stack start` works in
    PowerShell and cmd.exe.

    Before installing, the script checks WSL (wsl.exe --status, a default distribution running
    as WSL 2) and Docker Desktop (`docker version` answers, and the distribution can see the
    engine's socket); each problem is reported with the command or setting that fixes it.

    The source is copied to ~/.local/src/ollama-stack inside the distribution (building on the
    Windows drive under /mnt/c is slow). Running the script again updates the installation.

    -Uninstall removes the shim, the PATH entry (only if this script added it), the copy of the
    source and what install.sh installed in the distribution. It never touches Docker volumes
    (models, chats) or ~/.ollama-stack in the distribution.

.PARAMETER Uninstall
    Remove what an earlier run installed.

.PARAMETER Yes
    Do not ask for confirmation.

.PARAMETER Distribution
    Install into this WSL distribution instead of the default one.

.EXAMPLE
    powershell -ExecutionPolicy Bypass -File .\install.ps1

.EXAMPLE
    .\install.ps1 -Yes -Distribution Ubuntu-24.04

.EXAMPLE
    .\install.ps1 -Uninstall
#>
[CmdletBinding()]
param(
    [switch]$Uninstall,
    [switch]$Yes,
    [string]$Distribution = ''
)

# Windows PowerShell 5.1 and PowerShell 7 alike: no ternaries, no ??, no && in this file.
Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'

$Program = 'ollama-stack'
$RepoRoot = $PSScriptRoot
# $ShimDir, $ShimPath, $StateDir and $ManifestPath are set at the start of the main part, once
# LOCALAPPDATA is known to exist.

function Write-Step([string]$Message) { Write-Host "==> $Message" }
function Write-Note([string]$Message) { Write-Host "    $Message" }

# One sentence saying what is wrong, then what to do; exits 1.
function Stop-Install([string]$Message, [string[]]$Fix = @()) {
    Write-Host "install.ps1: error: $Message" -ForegroundColor Red
    foreach ($line in $Fix) { Write-Host "  $line" }
    exit 1
}

# Runs a native program and returns its exit code and output, never throwing on stderr output
# (Windows PowerShell 5.1 turns native stderr into errors under ErrorActionPreference=Stop).
# wsl.exe writes its own messages in UTF-16; WSL_UTF8=1 asks for UTF-8, and NULs left over from
# older versions are dropped.
function Invoke-Native([string]$FilePath, [string[]]$Arguments) {
    $previous = $ErrorActionPreference
    $ErrorActionPreference = 'Continue'
    $global:LASTEXITCODE = 0
    try {
        $output = & $FilePath @Arguments 2>&1 | ForEach-Object { "$_" }
        $code = $LASTEXITCODE
    } catch {
        $output = @("$_")
        $code = 127
    } finally {
        $ErrorActionPreference = $previous
    }
    $text = (@($output) -join "`n") -replace "`0", ''
    return [pscustomobject]@{ ExitCode = $code; Output = $text.Trim() }
}

function Test-Command([string]$Name) {
    return [bool](Get-Command $Name -ErrorAction SilentlyContinue)
}

function Confirm-Plan([string]$Question) {
    if ($Yes) { return }
    if ([Console]::IsInputRedirected) {
        Stop-Install 'there is no terminal to ask on.' @('Run it again with -Yes to go ahead without asking.')
    }
    $answer = Read-Host "$Question [y/N]"
    if ($answer -notmatch '^(y|yes)$') { Stop-Install 'nothing was changed (not confirmed).' }
}

# --- WSL -----------------------------------------------------------------------------------

function Get-WslDistribution {
    if (-not (Test-Command 'wsl.exe')) {
        Stop-Install 'WSL is not installed; Docker Desktop and ollama-stack need WSL 2.' @(
            'Fix: in an administrator PowerShell run:  wsl --install',
            'then restart Windows, open the new Ubuntu once to create your Linux user, and run this again.')
    }
    $status = Invoke-Native 'wsl.exe' @('--status')
    if ($status.ExitCode -ne 0) {
        Stop-Install 'WSL is present but not ready (wsl.exe --status failed).' @(
            'Fix: run  wsl --update  (or  wsl --install  in an administrator PowerShell), restart, and run this again.',
            "wsl.exe said: $($status.Output)")
    }

    $list = Invoke-Native 'wsl.exe' @('--list', '--verbose')
    $rows = @()
    foreach ($line in ($list.Output -split "`n")) {
        # "* Ubuntu    Running    2": default mark, name, state (localised, may hold spaces), version.
        if ($line -match '^\s*(\*?)\s*(\S+)\s+.+\s(\d+)\s*$') {
            $rows += [pscustomobject]@{ Default = ($Matches[1] -eq '*'); Name = $Matches[2]; Version = [int]$Matches[3] }
        }
    }
    $rows = @($rows | Where-Object { $_.Name -ne 'NAME' })

    if ($Distribution) {
        $chosen = $rows | Where-Object { $_.Name -eq $Distribution } | Select-Object -First 1
        if (-not $chosen) {
            Stop-Install "there is no WSL distribution named '$Distribution'." @(
                'Installed: ' + (($rows | ForEach-Object { $_.Name }) -join ', '),
                'Fix: pick one of those with -Distribution, or install one:  wsl --install -d Ubuntu')
        }
    } else {
        $chosen = $rows | Where-Object { $_.Default } | Select-Object -First 1
        if (-not $chosen) {
            Stop-Install 'WSL has no default distribution to install into.' @(
                'Fix: install one with  wsl --install -d Ubuntu  (then open it once to create your user),',
                'or make an installed one the default:  wsl --set-default <name>')
        }
    }
    if ($chosen.Name -like 'docker-desktop*') {
        Stop-Install "'$($chosen.Name)' is Docker Desktop's internal distribution and cannot hold other programs." @(
            'Fix: install a distribution (wsl --install -d Ubuntu), make it the default (wsl --set-default Ubuntu),',
            'or pass -Distribution <name>; then run this again.')
    }
    if ($chosen.Version -ne 2) {
        Stop-Install "the WSL distribution '$($chosen.Name)' runs as WSL $($chosen.Version); Docker Desktop needs WSL 2." @(
            "Fix: wsl --set-version $($chosen.Name) 2")
    }
    $probe = Invoke-Native 'wsl.exe' @('-d', $chosen.Name, '--exec', 'true')
    if ($probe.ExitCode -ne 0) {
        Stop-Install "the WSL distribution '$($chosen.Name)' does not start." @(
            "Fix: open it once from the Start menu (wsl -d $($chosen.Name)) to finish its set-up, then run this again.",
            "wsl.exe said: $($probe.Output)")
    }
    return $chosen.Name
}

# --- Docker Desktop ------------------------------------------------------------------------

# Not fatal: ollama-stack installs without an engine; it only needs one to run the stack.
function Test-DockerDesktop([string]$Distro) {
    $ok = $true
    if (-not (Test-Command 'docker.exe')) {
        Write-Warning 'Docker Desktop was not found (no docker.exe on PATH).'
        Write-Note 'Fix: install Docker Desktop for Windows, keep "Use the WSL 2 based engine" on, and start it.'
        $ok = $false
    } else {
        $version = Invoke-Native 'docker.exe' @('version', '--format', '{{.Server.Version}}')
        if ($version.ExitCode -ne 0 -or -not $version.Output) {
            Write-Warning 'Docker Desktop does not answer (`docker version` found no engine).'
            Write-Note 'Fix: start Docker Desktop and wait until it says "Engine running".'
            $ok = $false
        } else {
            Write-Step "Docker Desktop answers (engine $($version.Output))"
        }
    }
    $socket = Invoke-Native 'wsl.exe' @('-d', $Distro, '--exec', 'test', '-S', '/var/run/docker.sock')
    if ($socket.ExitCode -ne 0) {
        Write-Warning "the Docker Engine is not visible inside '$Distro' (no /var/run/docker.sock there)."
        Write-Note "Fix: Docker Desktop > Settings > Resources > WSL integration: turn on '$Distro', Apply & restart."
        $ok = $false
    }
    if (-not $ok) { Write-Note 'ollama-stack is installed anyway; `ollama-stack version` tells when the engine answers.' }
}

# --- running inside the distribution -------------------------------------------------------

# The Linux side of the work. Written to a temp file with LF line endings and run with bash, so
# nothing passes through PowerShell's or wsl.exe's quoting. Arguments: mode, source dir (Linux
# path), result file (Linux path).
$LinuxScript = @'
set -euo pipefail
mode="$1"; source="$2"; result="$3"
dest="$HOME/.local/src/ollama-stack"
# Names the highest directory above $dest that this script created (~/.local or ~/.local/src).
marker="$dest/.created-parent-dir"
case "$mode" in
  install)
    [ -f "$source/install.sh" ] || { echo "install.ps1: error: $source/install.sh not found" >&2; exit 1; }
    top=""
    for dir in "$HOME/.local" "$HOME/.local/src"; do
      if [ ! -d "$dir" ]; then top="$dir"; break; fi
    done
    mkdir -p "$dest"
    [ ! -f "$marker" ] || top="$(cat "$marker")"
    # Replace the previous copy but keep its build directory, so a re-run builds incrementally.
    find "$dest" -mindepth 1 -maxdepth 1 ! -name build-release ! -name .created-parent-dir -exec rm -rf {} +
    echo "==> copying $source to $dest"
    tar -C "$source" --exclude=./.git --exclude='./build*' -cf - . | tar -C "$dest" -xf -
    [ -z "$top" ] || printf '%s\n' "$top" >"$marker"
    # A Windows checkout may have CRLF line endings, which bash cannot run.
    find "$dest" -type f -name '*.sh' -exec sed -i 's/\r$//' {} +
    cd "$dest"
    # An explicit prefix: the Windows shim calls the binary by this path, whatever PATH holds.
    bash ./install.sh -y --prefix "$HOME/.local"
    printf '%s\n' "$HOME/.local/bin/ollama-stack" >"$result"
    ;;
  uninstall)
    if [ -f "$dest/install.sh" ]; then
      bash "$dest/install.sh" --uninstall --prefix "$HOME/.local"
    elif [ -f "$source/install.sh" ]; then
      bash "$source/install.sh" --uninstall --prefix "$HOME/.local"
    fi
    top=""
    [ ! -f "$marker" ] || top="$(cat "$marker")"
    if [ -d "$dest" ]; then rm -rf "$dest"; echo "==> removed $dest"; fi
    if [ -n "$top" ]; then
      rmdir "$HOME/.local/src" 2>/dev/null || true
      [ "$top" != "$HOME/.local" ] || rmdir "$HOME/.local" 2>/dev/null || true
    fi
    : >"$result"
    ;;
esac
'@

# Quotes arguments for a Windows command line (Start-Process takes one string in 5.1).
function Join-NativeArguments([string[]]$Arguments) {
    $quoted = foreach ($argument in $Arguments) {
        if ($argument -match '[\s"]' -or $argument -eq '') { '"' + ($argument -replace '"', '\"') + '"' } else { $argument }
    }
    return ($quoted -join ' ')
}

function Convert-ToWslPath([string]$Distro, [string]$WindowsPath) {
    $converted = Invoke-Native 'wsl.exe' @('-d', $Distro, '--exec', 'wslpath', '-a', '-u', $WindowsPath)
    if ($converted.ExitCode -ne 0 -or -not $converted.Output.StartsWith('/')) {
        Stop-Install "cannot translate '$WindowsPath' into a path inside '$Distro' (wslpath failed)." @(
            "wslpath said: $($converted.Output)")
    }
    return ($converted.Output -split "`n")[-1].Trim()
}

# Runs the Linux script in the distribution with the console attached (sudo can ask for the
# password, the build shows its progress) and returns what it wrote to the result file.
# Start-Process, not `& wsl.exe`: inside a function whose result is assigned, `&` would capture
# the build's output instead of showing it, and take the terminal away from sudo.
function Invoke-InDistribution([string]$Distro, [string]$Mode) {
    $work = Join-Path ([System.IO.Path]::GetTempPath()) ("$Program-" + [guid]::NewGuid().ToString('N'))
    New-Item -ItemType Directory -Path $work | Out-Null
    try {
        $scriptFile = Join-Path $work 'run.sh'
        $resultFile = Join-Path $work 'result.txt'
        $utf8 = New-Object System.Text.UTF8Encoding($false)
        [System.IO.File]::WriteAllText($scriptFile, ($LinuxScript -replace "`r`n", "`n"), $utf8)
        $linuxWork = Convert-ToWslPath $Distro $work
        $linuxSource = Convert-ToWslPath $Distro $RepoRoot
        $arguments = Join-NativeArguments @('-d', $Distro, '--exec', 'bash', '-l', "$linuxWork/run.sh", $Mode,
            $linuxSource, "$linuxWork/result.txt")
        $process = Start-Process -FilePath 'wsl.exe' -ArgumentList $arguments -NoNewWindow -PassThru
        $null = $process.Handle  # keeps ExitCode readable after the process ends
        $process.WaitForExit()
        if ($process.ExitCode -ne 0) {
            Stop-Install "the $Mode step inside '$Distro' failed (exit $($process.ExitCode)); the messages above say why." @(
                "To retry by hand: wsl -d $Distro, then cd ~/.local/src/ollama-stack && ./install.sh")
        }
        if (Test-Path $resultFile) { return ([System.IO.File]::ReadAllText($resultFile)).Trim() }
        return ''
    } finally {
        Remove-Item -Recurse -Force $work -ErrorAction SilentlyContinue
    }
}

# --- the Windows side: shim, PATH, manifest ------------------------------------------------

# The user PATH as stored (REG_EXPAND_SZ keeps %USERPROFILE% and the like unexpanded).
function Get-UserPathRaw {
    $key = Get-Item 'HKCU:\Environment'
    return [string]$key.GetValue('Path', '', [Microsoft.Win32.RegistryValueOptions]::DoNotExpandEnvironmentNames)
}

function Set-UserPathRaw([string]$Value) {
    Set-ItemProperty -Path 'HKCU:\Environment' -Name 'Path' -Value $Value -Type ExpandString
    # Tell running programs (Explorer, new terminals) that the environment changed: .NET
    # broadcasts WM_SETTINGCHANGE when it writes a user variable, so touch a throwaway one.
    [Environment]::SetEnvironmentVariable('OLLAMA_STACK_INSTALL_REFRESH', '1', 'User')
    [Environment]::SetEnvironmentVariable('OLLAMA_STACK_INSTALL_REFRESH', $null, 'User')
}

function Test-PathContains([string]$PathValue, [string]$Dir) {
    foreach ($entry in ($PathValue -split ';')) {
        if ($entry -and ([Environment]::ExpandEnvironmentVariables($entry).TrimEnd('\') -ieq $Dir.TrimEnd('\'))) { return $true }
    }
    return $false
}

function Read-Manifest {
    if (Test-Path $ManifestPath) {
        return (Get-Content -Raw -Path $ManifestPath | ConvertFrom-Json)
    }
    return $null
}

function Install-Shim([string]$Distro, [string]$LinuxBinary) {
    $created = @()
    foreach ($dir in @($StateDir, $ShimDir)) {
        if (-not (Test-Path $dir)) { New-Item -ItemType Directory -Path $dir | Out-Null; $created += $dir }
    }
    # --exec runs the binary without a Linux shell, so arguments reach it exactly as typed.
    $shim = @(
        '@echo off',
        "rem Written by ollama-stack install.ps1: runs ollama-stack inside the WSL distribution $Distro.",
        "wsl.exe -d `"$Distro`" --exec `"$LinuxBinary`" %*",
        'exit /b %ERRORLEVEL%'
    ) -join "`r`n"
    [System.IO.File]::WriteAllText($ShimPath, $shim + "`r`n", (New-Object System.Text.ASCIIEncoding))
    Write-Step "installed $ShimPath (forwards to $LinuxBinary in $Distro)"

    $previous = Read-Manifest
    $pathAdded = $false
    if ($previous -and $previous.PathAdded) { $pathAdded = $true }
    $userPath = Get-UserPathRaw
    if (-not (Test-PathContains $userPath $ShimDir)) {
        if ($userPath) { $newPath = $userPath.TrimEnd(';') + ';' + $ShimDir } else { $newPath = $ShimDir }
        Set-UserPathRaw $newPath
        $pathAdded = $true
        Write-Step "added $ShimDir to your user PATH (new terminals see it)"
    }
    if (-not (Test-PathContains $env:Path $ShimDir)) { $env:Path = $env:Path.TrimEnd(';') + ';' + $ShimDir }

    $createdDirs = @($created)
    if ($previous -and $previous.CreatedDirs) { $createdDirs = @($previous.CreatedDirs) + $created | Select-Object -Unique }
    $manifest = [ordered]@{
        Distribution = $Distro
        LinuxBinary  = $LinuxBinary
        Shim         = $ShimPath
        PathAdded    = $pathAdded
        PathEntry    = $ShimDir
        CreatedDirs  = @($createdDirs)
    }
    [System.IO.File]::WriteAllText($ManifestPath, ($manifest | ConvertTo-Json), (New-Object System.Text.UTF8Encoding($false)))
}

function Uninstall-Shim($Manifest) {
    if (Test-Path $ShimPath) { Remove-Item -Force $ShimPath; Write-Step "removed $ShimPath" }
    if ($Manifest -and $Manifest.PathAdded) {
        $kept = @((Get-UserPathRaw) -split ';' | Where-Object {
                $_ -and ([Environment]::ExpandEnvironmentVariables($_).TrimEnd('\') -ine $ShimDir.TrimEnd('\')) })
        Set-UserPathRaw ($kept -join ';')
        Write-Step "removed $ShimDir from your user PATH"
    }
    if (Test-Path $ManifestPath) { Remove-Item -Force $ManifestPath }
    $dirs = @()
    if ($Manifest -and $Manifest.CreatedDirs) { $dirs = @($Manifest.CreatedDirs) }
    foreach ($dir in ($dirs | Sort-Object -Descending)) {
        if ((Test-Path $dir) -and -not (Get-ChildItem -Force $dir)) { Remove-Item -Force $dir; Write-Step "removed empty directory $dir" }
    }
}

# --- main ----------------------------------------------------------------------------------

if ([System.Environment]::OSVersion.Platform -ne [System.PlatformID]::Win32NT) {
    Stop-Install 'install.ps1 is for Windows.' @('On Linux and macOS run ./install.sh instead.')
}
if (-not $RepoRoot) {
    Stop-Install 'run install.ps1 as a file from a checkout of ollama-stack (it needs install.sh beside it).' @(
        'e.g.  powershell -ExecutionPolicy Bypass -File .\install.ps1')
}
if (-not $env:LOCALAPPDATA) { Stop-Install 'LOCALAPPDATA is not set; run this as a normal signed-in user.' }
$ShimDir = Join-Path $env:LOCALAPPDATA "$Program\bin"
$ShimPath = Join-Path $ShimDir "$Program.cmd"
$StateDir = Join-Path $env:LOCALAPPDATA $Program
$ManifestPath = Join-Path $StateDir 'install-manifest.json'
# Ask wsl.exe for UTF-8 instead of UTF-16 in its own messages (WSL 0.64 and later).
$env:WSL_UTF8 = '1'

if ($Uninstall) {
    $manifest = Read-Manifest
    $distro = $Distribution
    if (-not $distro -and $manifest) { $distro = $manifest.Distribution }
    if (-not $manifest -and -not (Test-Path $ShimPath)) {
        Write-Step "nothing to uninstall on the Windows side (no $ManifestPath)"
    }
    if ($distro -and (Test-Command 'wsl.exe')) {
        Write-Step "uninstalling inside the WSL distribution $distro"
        Invoke-InDistribution $distro 'uninstall' | Out-Null
    } elseif (-not $distro) {
        Write-Note 'no WSL distribution recorded; pass -Distribution <name> to uninstall there too.'
    }
    Uninstall-Shim $manifest
    Write-Step 'uninstalled'
    Write-Note 'Kept: Docker volumes (models, chats) and ~/.ollama-stack inside the distribution.'
    exit 0
}

if (-not (Test-Path (Join-Path $RepoRoot 'install.sh'))) {
    Stop-Install "install.sh is not next to install.ps1 in $RepoRoot." @(
        'Run install.ps1 from a full checkout of ollama-stack.')
}

$distro = Get-WslDistribution
Write-Step "WSL is ready; installing into the distribution '$distro'"
Test-DockerDesktop $distro

Write-Step 'plan:'
Write-Note "1. copy $RepoRoot to ~/.local/src/ollama-stack in '$distro' and run ./install.sh -y there"
Write-Note '   (it installs missing build packages with the distribution''s package manager; sudo may ask'
Write-Note '   for your Linux password), building ollama-stack into ~/.local/bin'
Write-Note "2. write $ShimPath and add $ShimDir to your user PATH"
Confirm-Plan 'Go ahead?'

$linuxBinary = Invoke-InDistribution $distro 'install'
if (-not $linuxBinary) { Stop-Install "install.sh in '$distro' finished but did not say where the binary went." }
Install-Shim $distro $linuxBinary

$check = Invoke-Native $ShimPath @('--version')
if ($check.ExitCode -eq 0) {
    Write-Step "done: $($check.Output). Open a new terminal and run:  ollama-stack version"
} else {
    Write-Warning "the shim did not run ($ShimPath --version exited $($check.ExitCode)): $($check.Output)"
}
