<?php
// Prepares a freshly reset real Vtiger 8.0 for the permission captures, the way the web UI's
// forms do it: Users ▸ Add User (Users::save), Settings ▸ Sharing Access (vtiger_def_org_share
// + RecalculateSharingRules), Settings ▸ Profiles ▸ field privileges (vtiger_profile2field),
// Settings ▸ Groups (vtiger_users2group). Run from the install folder:
//   cd /srv/vtiger4/htdocs && php8.2 /path/to/setup_real.php
require_once 'config.inc.php';
require_once 'includes/main/WebUI.php';
require_once 'include/utils/UserInfoUtil.php';
require_once 'modules/Users/CreateUserPrivilegeFile.php';
error_reporting(E_ERROR);
ini_set('display_errors', 'stderr');
global $adb, $current_user;
$current_user = Users::getActiveAdminUser();

function make_user($name, $role, $key) {
    global $adb;
    $user = new Users();
    $values = [
        'user_name' => $name, 'last_name' => ucfirst($name), 'first_name' => 'Test',
        'email1' => "$name@example.com", 'roleid' => $role, 'is_admin' => 'off',
        'status' => 'Active', 'user_password' => 'Secret@12345', 'confirm_password' => 'Secret@12345',
        'currency_id' => 1, 'time_zone' => 'Europe/Berlin', 'date_format' => 'yyyy-mm-dd',
        'hour_format' => '24', 'start_hour' => '08:00', 'end_hour' => '', 'lead_view' => 'Today',
        'activity_view' => 'This Week', 'defaultlandingpage' => 'Home',
    ];
    foreach ($values as $k => $v) {
        $user->column_fields[$k] = $v;
    }
    $user->save('Users');
    $adb->pquery('UPDATE vtiger_users SET accesskey=? WHERE id=?', [$key, $user->id]);
    return $user->id;
}

$alice = make_user('alice', 'H5', 'AliceKey01234567');   // Sales Person
$bob = make_user('bob', 'H5', 'BobKey0123456789');       // Sales Person (a peer of alice)
$carol = make_user('carol', 'H4', 'CarolKey01234567');   // Sales Manager (alice's superior)
// alice belongs to Team Selling (2); Marketing Group (3) holds only the admin
$adb->pquery('INSERT INTO vtiger_users2group (groupid, userid) VALUES (2, ?)', [$alice]);
// Contacts (tab 4) private; Accounts (tab 6) public read only; others stay as installed
$adb->pquery('UPDATE vtiger_def_org_share SET permission=3 WHERE tabid=4', []);
$adb->pquery('UPDATE vtiger_def_org_share SET permission=0 WHERE tabid=6', []);
// Potentials (tab 2) public read, create/edit (no delete)
$adb->pquery('UPDATE vtiger_def_org_share SET permission=1 WHERE tabid=2', []);
// Sales Profile (2): Contacts' mobile (field 71) hidden
$adb->pquery('UPDATE vtiger_profile2field SET visible=1 WHERE profileid=2 AND fieldid=71', []);
RecalculateSharingRules();
foreach ([$alice, $bob, $carol] as $id) {
    createUserPrivilegesfile($id);
    createUserSharingPrivilegesfile($id);
}
echo json_encode(['alice' => $alice, 'bob' => $bob, 'carol' => $carol]), "\n";
