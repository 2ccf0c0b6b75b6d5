# hisguard: Windows configuration facts, read-only, printed as one JSON document on stdout.
# Runs in Windows PowerShell 5.1 or PowerShell 7 over PSRP (WinRM) or OpenSSH. It changes nothing,
# writes no file and prints no secret. Each fact is read on its own: a cmdlet that is missing or
# fails records "<name>_error" and the others go on. Values are converted to plain strings and
# numbers here so the document does not depend on the PowerShell version's JSON conversion.
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
$facts = [ordered]@{ schema = 1; collected = (Get-Date).ToUniversalTime().ToString('yyyy-MM-ddTHH:mm:ssZ') }

function Add-Fact([string]$Name, [scriptblock]$Read) {
    try { $facts[$Name] = & $Read }
    catch {
        $text = "$($_.Exception.Message)"
        if ($text.Length -gt 200) { $text = $text.Substring(0, 200) }
        $facts["${Name}_error"] = $text
    }
}

function Get-Value([string]$Path, [string]$Name) {
    $item = Get-ItemProperty -Path $Path -Name $Name -ErrorAction SilentlyContinue
    if ($null -eq $item) { return $null }
    return $item.$Name
}

function Format-Date($Value) {
    if ($null -eq $Value) { return $null }
    return ([datetime]$Value).ToString('yyyy-MM-dd')
}

Add-Fact 'os' {
    $os = Get-CimInstance -ClassName Win32_OperatingSystem
    $current = 'HKLM:\SOFTWARE\Microsoft\Windows NT\CurrentVersion'
    [ordered]@{
        caption = "$($os.Caption)"
        version = "$($os.Version)"
        build = [int]$os.BuildNumber
        product_type = [int]$os.ProductType
        display_version = "$(Get-Value $current 'DisplayVersion')"
        edition = "$(Get-Value $current 'EditionID')"
    }
}

Add-Fact 'firewall' {
    @(Get-NetFirewallProfile | ForEach-Object {
        [ordered]@{ name = "$($_.Name)"; enabled = "$($_.Enabled)"; default_inbound = "$($_.DefaultInboundAction)" }
    })
}

Add-Fact 'defender' {
    $mp = Get-MpComputerStatus
    [ordered]@{
        am_service_enabled = [bool]$mp.AMServiceEnabled
        antivirus_enabled = [bool]$mp.AntivirusEnabled
        real_time_enabled = [bool]$mp.RealTimeProtectionEnabled
        signature_age_days = [int]$mp.AntivirusSignatureAge
        signature_updated = Format-Date $mp.AntivirusSignatureLastUpdated
    }
}

Add-Fact 'antivirus' {
    # Security Center lists third-party antivirus on client Windows (absent on servers).
    @(Get-CimInstance -Namespace 'root/SecurityCenter2' -ClassName AntiVirusProduct | ForEach-Object {
        [ordered]@{ name = "$($_.displayName)"; state = [int]$_.productState }
    })
}

Add-Fact 'smb' {
    $smb = Get-SmbServerConfiguration
    [ordered]@{
        smb1 = [bool]$smb.EnableSMB1Protocol
        require_signing = [bool]$smb.RequireSecuritySignature
        enable_signing = [bool]$smb.EnableSecuritySignature
    }
}

Add-Fact 'rdp' {
    $ts = 'HKLM:\SYSTEM\CurrentControlSet\Control\Terminal Server'
    $policy = 'HKLM:\SOFTWARE\Policies\Microsoft\Windows NT\Terminal Services'
    [ordered]@{
        deny_connections = Get-Value $ts 'fDenyTSConnections'
        user_authentication = Get-Value "$ts\WinStations\RDP-Tcp" 'UserAuthentication'
        policy_deny_connections = Get-Value $policy 'fDenyTSConnections'
        policy_user_authentication = Get-Value $policy 'UserAuthentication'
    }
}

Add-Fact 'administrators' {
    @(Get-LocalGroupMember -SID 'S-1-5-32-544' | ForEach-Object {
        [ordered]@{ name = "$($_.Name)"; sid = "$($_.SID)"; class = "$($_.ObjectClass)"; source = "$($_.PrincipalSource)" }
    })
}

Add-Fact 'net_accounts' { @(& net.exe accounts 2>&1 | ForEach-Object { "$_" }) }

Add-Fact 'screen_lock' {
    $system = 'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Policies\System'
    $desktop = 'HKLM:\SOFTWARE\Policies\Microsoft\Windows\Control Panel\Desktop'
    [ordered]@{
        inactivity_timeout = Get-Value $system 'InactivityTimeoutSecs'
        policy_screensaver_active = Get-Value $desktop 'ScreenSaveActive'
        policy_screensaver_secure = Get-Value $desktop 'ScreenSaverIsSecure'
        policy_screensaver_timeout = Get-Value $desktop 'ScreenSaveTimeOut'
    }
}

Add-Fact 'autorun' {
    $explorer = 'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Policies\Explorer'
    [ordered]@{
        no_drive_type_autorun = Get-Value $explorer 'NoDriveTypeAutoRun'
        no_autorun = Get-Value $explorer 'NoAutorun'
    }
}

Add-Fact 'software' {
    $keys = @(
        'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall\*',
        'HKLM:\SOFTWARE\WOW6432Node\Microsoft\Windows\CurrentVersion\Uninstall\*'
    )
    @(Get-ItemProperty -Path $keys -ErrorAction SilentlyContinue | Where-Object { $_.DisplayName } | ForEach-Object {
        [ordered]@{ name = "$($_.DisplayName)"; version = "$($_.DisplayVersion)"; publisher = "$($_.Publisher)" }
    })
}

Add-Fact 'hotfixes' {
    @(Get-HotFix | ForEach-Object {
        [ordered]@{ id = "$($_.HotFixID)"; installed_on = Format-Date $_.InstalledOn }
    })
}

$facts | ConvertTo-Json -Depth 5 -Compress
